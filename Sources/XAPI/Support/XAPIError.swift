/// A problem found by the XAPI library: a stable `code` (`agent.multiple-ifi`), where it is (a
/// JSON path such as `$.actor.mbox`, or `$[3].verb.display` in a batch; a byte offset for JSON
/// syntax errors), the HTTP status the LRS should answer with, and a plain English message.
///
/// The LRS maps these to HTTP once: `status` to the response line, the rest to the body.
/// Codes are stable and listed in the XAPI documentation catalog; messages may be reworded.
public struct XAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable identifier used in logs, tests and docs: `area.problem`.
    public var code: String
    /// JSON path of the value at fault (`$.context.contextActivities.parent[0].id`), nil when
    /// about the whole request (a header, the multipart framing).
    public var path: String?
    /// Byte offset in the body for JSON syntax errors.
    public var offset: Int?
    /// The HTTP status to answer with: 400 unless stated (409, 412 from the concurrency rules).
    public var status: Int
    /// What is wrong, in English, for the response body.
    public var message: String

    public init(code: String, path: String? = nil, offset: Int? = nil, status: Int = 400, message: String) {
        self.code = code
        self.path = path
        self.offset = offset
        self.status = status
        self.message = message
    }

    /// `agent.multiple-ifi at $.actor (400): …`
    public var description: String {
        var text = code
        if let path { text += " at \(path)" }
        if let offset { text += " (byte \(offset))" }
        return text + " (\(status)): \(message)"
    }

    /// The same error located inside an element of a batch: `$.verb` becomes `$[3].verb`.
    public func inBatch(at index: Int) -> XAPIError {
        var copy = self
        if let path {
            copy.path = "$[\(index)]" + path.dropFirst()
        } else {
            copy.path = "$[\(index)]"
        }
        return copy
    }
}
