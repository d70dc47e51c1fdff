import ArgumentParser
import Foundation
import OneRoster

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Demo data.", subcommands: [Generate.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a deterministic synthetic Japan Profile roster package of any size.")

        @Option(help: "Number of schools (about 2/3 elementary, 1/3 junior high).") var schools = 3
        @Option(name: .customLong("students-per-school"), help: "Students per school.") var studentsPerSchool = 200
        @Option(help: "Random seed; the same seed gives the same package.") var seed: UInt64 = 1
        @Option(help: "Profile: 1.2_JP (default), 1.2.1 or 1.2.") var profile = "1.2_JP"
        @Option(help: "Write a delta package instead, changing this fraction of students (e.g. 0.01).") var delta: Double?
        @Option(help: "Output: a .zip file, or a folder.") var out: String

        func run() async throws {
            guard let profile = Profile(rawValue: profile) else {
                throw ValidationError("unknown profile \(profile); use 1.2_JP, 1.2.1 or 1.2")
            }
            let options = DemoCity.Options(schools: schools, studentsPerSchool: studentsPerSchool, seed: seed, profile: profile)
            let builder = if let delta {
                DemoCity.generateDelta(base: options, changeFraction: delta, seed: seed &+ 1)
            } else {
                DemoCity.generate(options)
            }
            let url = URL(fileURLWithPath: out)
            if out.lowercased().hasSuffix(".zip") {
                try builder.writeZip(to: url)
            } else {
                try builder.writeFolder(to: url)
            }
            let rows = builder.entries().filter { $0.name != "manifest.csv" }
                .map { entry in "\(entry.name) \(entry.bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } - 1)" }
            print("wrote \(out) (\(profile.manifestVersion)): " + rows.joined(separator: ", "))
        }
    }
}
