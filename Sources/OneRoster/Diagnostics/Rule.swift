/// The rules the validator checks, each with a stable id (used in reports, tests and docs) and
/// its default severity. docs/STANDARDS.md lists them with the specification text they follow.
public enum Rule: String, Sendable, CaseIterable {
    // Package and manifest (CSV binding §1)
    case packageUnreadable = "package.unreadable"
    case packageNestedFile = "package.nested-file"
    case manifestMissing = "manifest.missing"
    case manifestVersion = "manifest.version"
    case manifestOneRosterVersion = "manifest.oneroster-version"
    case manifestFileMode = "manifest.file-mode"
    case manifestFileMismatch = "manifest.file-mismatch"
    case manifestUnknownProperty = "manifest.unknown-property"
    case fileUnsupported = "file.unsupported"
    case fileUnknown = "file.unknown"
    case fileEmpty = "file.empty"
    // CSV syntax (§2)
    case csvEncoding = "csv.encoding"
    case csvUnterminatedQuote = "csv.unterminated-quote"
    case csvStrayQuote = "csv.stray-quote"
    case csvCarriageReturnInField = "csv.cr-in-field"
    case csvFieldCount = "csv.field-count"
    case csvByteOrderMark = "csv.bom"
    // Header (§2)
    case headerMissingColumn = "header.missing-column"
    case headerDuplicate = "header.duplicate"
    case headerUnknownColumn = "header.unknown-column"
    case headerOrder = "header.order"
    case headerRemovedColumn = "header.removed-column"
    // Fields (§2, §3)
    case fieldRequired = "field.required"
    case fieldGUID = "field.guid"
    case fieldEnumeration = "field.enum"
    case fieldDate = "field.date"
    case fieldDateTime = "field.datetime"
    case fieldYear = "field.year"
    case fieldBoolean = "field.boolean"
    case fieldInteger = "field.integer"
    case fieldFloat = "field.float"
    case fieldList = "field.list"
    case fieldTypedList = "field.typed-list"
    case fieldLength = "field.length"
    case fieldDateRange = "field.date-range"
    // Records
    case recordDuplicateId = "record.duplicate-id"
    case referenceMissing = "reference.missing"
    case referenceWrongType = "reference.wrong-type"
    case referenceUnresolvedDelta = "reference.outside-package"
    case statusBulkNotBlank = "status.bulk-not-blank"
    case statusDeltaRequired = "status.delta-required"
    // Japan Profile (§4)
    case jpEnabledUser = "jp.enabled-user"
    case jpUserMasterIdentifier = "jp.user-master-identifier"
    case jpUserMasterIdentifierDuplicate = "jp.user-master-identifier-duplicate"
    case jpEportalRequired = "jp.eportal-required"
    case jpGrade = "jp.grade"
    case jpOrgType = "jp.org-type"
    case jpClassType = "jp.class-type"
    case jpDistrictParent = "jp.district-parent"
    case jpSchoolCode = "jp.school-code"
    case jpEnrollmentRole = "jp.enrollment-role"
    case jpPrimary = "jp.primary"
    case jpSchoolYear = "jp.school-year"
    case jpCourseCode = "jp.course-code"
    case jpHalfWidthKana = "jp.half-width-kana"
    case jpKana = "jp.kana"
    case jpHomeClass = "jp.home-class"
    case limitReached = "report.truncated"

    public var severity: Diagnostic.Severity {
        switch self {
        case .fileUnsupported, .headerOrder, .headerRemovedColumn, .manifestUnknownProperty,
            .referenceUnresolvedDelta, .jpEportalRequired, .jpSchoolYear, .jpCourseCode, .csvByteOrderMark:
            .warning
        case .limitReached:
            .info
        default:
            .error
        }
    }
}
