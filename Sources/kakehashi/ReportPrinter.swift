import Foundation
import KakehashiApp
import OneRoster

/// Human and machine output of validation reports and import summaries.
enum ReportPrinter {
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func text(_ report: ValidationReport) -> String {
        var lines: [String] = []
        lines.append("package: \(report.package)")
        lines.append("profile: \(report.profileName)" + (report.declaredVersion.map { " — manifest oneroster.version=\($0)" } ?? ""))
        for file in report.files {
            lines.append("  \(file.name): \(file.mode.rawValue), \(file.rows) rows")
        }
        for diagnostic in report.diagnostics {
            lines.append("\(diagnostic.location): \(diagnostic.severity.rawValue) \(diagnostic.rule): \(diagnostic.messageJa) / \(diagnostic.messageEn)")
        }
        let verdict = report.isValid ? "VALID / 妥当" : "INVALID / 不正"
        lines.append("\(verdict): \(report.errorCount) errors, \(report.warningCount) warnings")
        return lines.joined(separator: "\n")
    }

    static func text(_ summary: RosterImportSummary) -> String {
        var lines: [String] = []
        if let report = summary.validation, !report.diagnostics.isEmpty, !report.isValid {
            lines.append(text(report))
        } else if let report = summary.validation, report.warningCount > 0 {
            lines.append("\(report.warningCount) warnings (run roster validate to list them)")
        }
        lines.append("tenant: \(summary.tenant)  profile: \(summary.profile)  sha256: \(summary.packageSHA256)")
        let header = "entity".padding(toLength: 16, withPad: " ", startingAt: 0) + "created  updated  deactivated  unchanged"
        lines.append(header)
        for (entity, counts) in summary.orderedCounts {
            let stale = counts.stale > 0 ? "  (\(counts.stale) older delta rows skipped)" : ""
            lines.append(entity.padding(toLength: 16, withPad: " ", startingAt: 0)
                + pad(counts.created, 7) + "  " + pad(counts.updated, 7) + "  " + pad(counts.deactivated, 11) + "  " + pad(counts.unchanged, 9) + stale)
        }
        if !summary.message.isEmpty { lines.append(summary.message) }
        lines.append("result: \(summary.result.rawValue) in \(String(format: "%.2f", summary.seconds)) s")
        return lines.joined(separator: "\n")
    }

    private static func pad(_ number: Int, _ width: Int) -> String {
        let text = String(number)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
