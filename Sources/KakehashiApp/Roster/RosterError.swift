/// A roster command that cannot run as asked (not a validation problem of the package).
public struct RosterError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    static func invalidTenantCode(_ code: String) -> RosterError {
        RosterError(message: "tenant code \"\(code)\" must be 2–32 lowercase letters, digits or hyphens, starting with a letter / テナントコードは英小文字で始まる2〜32文字の英小文字・数字・ハイフンです")
    }

    static func unknownTenant(_ code: String) -> RosterError {
        RosterError(message: "no tenant \"\(code)\" / テナント \"\(code)\" はありません")
    }
}
