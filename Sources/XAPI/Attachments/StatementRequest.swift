/// The body of a statement PUT/POST with its attachments (Communication §1.5): the statement
/// JSON and the attachment data, checked against the statements' attachment headers.
///
/// ```swift
/// let request = try StatementRequest.read(body: body, contentType: headers["Content-Type"])
/// let statements = try validator.validateBatch(request.statementJSON, assignment: assignment)
/// let payloads = try request.matchAttachments(of: statements)          // sha2 → data to store
/// try SignedStatement.verifyAll(statements, payloads: payloads, version: validator.version)
/// ```
public struct StatementRequest: Sendable {
    /// The statement or array of statements (the first part, or the whole JSON body).
    public var statementJSON: [UInt8]
    /// The attachment parts, in order (empty for an application/json request).
    public var payloads: [AttachmentPayload]

    public init(statementJSON: [UInt8], payloads: [AttachmentPayload]) {
        self.statementJSON = statementJSON
        self.payloads = payloads
    }

    /// Splits a request body by its Content-Type: `application/json` (no attachment data) or
    /// `multipart/mixed` whose first part is `application/json` and whose further parts carry
    /// `X-Experience-API-Hash` and `Content-Transfer-Encoding: binary` (§1.5.2.s2.b2).
    /// The hash of each part is computed (SHA-256/384/512 by the hash length) and must equal
    /// its `X-Experience-API-Hash`.
    public static func read(body: [UInt8], contentType: String?) throws(XAPIError) -> StatementRequest {
        let type = contentType.map(MediaType.essence) ?? "application/json"
        if type == "application/json" { return StatementRequest(statementJSON: body, payloads: []) }
        guard type == "multipart/mixed", let contentType else {
            throw XAPIError(
                code: "request.content-type",
                message: "Statements must be sent as application/json or multipart/mixed; got \"\(contentType ?? "")\".")
        }
        let boundary = try MultipartMixed.boundary(contentType: contentType)
        let parts = try MultipartMixed.parse(body, boundary: boundary)
        guard let first = parts.first else {
            throw XAPIError(code: "multipart.empty", message: "The multipart body has no parts.")
        }
        guard let firstType = first.header("Content-Type"), MediaType.essence(firstType) == "application/json" else {
            throw XAPIError(code: "multipart.first-part-not-json", message: "The first part must have Content-Type application/json and hold the statements.")
        }
        var payloads: [AttachmentPayload] = []
        for (index, part) in parts.dropFirst().enumerated() {
            let number = index + 2
            guard let hash = part.header("X-Experience-API-Hash")?.lowercased(), !hash.isEmpty else {
                throw XAPIError(code: "multipart.hash-missing", message: "Part \(number) has no X-Experience-API-Hash header.")
            }
            guard part.header("Content-Transfer-Encoding")?.lowercased() == "binary" else {
                throw XAPIError(code: "multipart.transfer-encoding", message: "Part \(number) must have Content-Transfer-Encoding: binary.")
            }
            guard let digest = AttachmentPayload.digest(of: part.body, like: hash) else {
                throw XAPIError(
                    code: "multipart.hash-algorithm",
                    message: "Part \(number)'s X-Experience-API-Hash is not a SHA-256, SHA-384 or SHA-512 hex digest.")
            }
            guard digest == hash else {
                throw XAPIError(code: "multipart.hash-mismatch", message: "Part \(number)'s data does not hash to its X-Experience-API-Hash \(hash).")
            }
            payloads.append(AttachmentPayload(sha2: hash, contentType: part.header("Content-Type"), data: part.body))
        }
        return StatementRequest(statementJSON: first.body, payloads: payloads)
    }

    /// Checks the attachment data against the statements (§1.5.2.s3.b5): every attachment
    /// without a `fileUrl` has a part with its `sha2`, and every part belongs to an attachment.
    /// Returns the payloads by `sha2` for storage.
    public func matchAttachments(of statements: [ValidatedStatement]) throws(XAPIError) -> [String: AttachmentPayload] {
        var bySHA2: [String: AttachmentPayload] = [:]
        for payload in payloads { bySHA2[payload.sha2] = payload }
        var declared = Set<String>()
        for (statementIndex, statement) in statements.enumerated() {
            for (attachmentIndex, attachment) in statement.attachments.enumerated() {
                declared.insert(attachment.sha2)
                if attachment.fileUrl == nil, bySHA2[attachment.sha2] == nil {
                    let base = statements.count > 1 ? "$[\(statementIndex)]" : "$"
                    throw XAPIError(
                        code: "attachment.data-missing", path: "\(base).attachments[\(attachmentIndex)].sha2",
                        message: "The attachment \(attachment.sha2) has no fileUrl and no multipart part with that X-Experience-API-Hash.")
                }
            }
        }
        for payload in payloads where !declared.contains(payload.sha2) {
            throw XAPIError(
                code: "multipart.part-unexpected",
                message: "A part's X-Experience-API-Hash \(payload.sha2) matches no attachment sha2 in the statements.")
        }
        return bySHA2
    }

    /// The multipart/mixed response of GET statements with `attachments=true` (§1.5.2.s3.b1):
    /// the statement result JSON first, then one part per distinct attachment.
    public static func writeResponse(statementJSON: [UInt8], payloads: [AttachmentPayload], boundary: String) -> [UInt8] {
        var parts = [MultipartPart(headers: [.init(name: "Content-Type", value: "application/json")], body: statementJSON)]
        var seen = Set<String>()
        for payload in payloads where seen.insert(payload.sha2).inserted {
            parts.append(
                MultipartPart(
                    headers: [
                        .init(name: "Content-Type", value: payload.contentType ?? "application/octet-stream"),
                        .init(name: "Content-Transfer-Encoding", value: "binary"),
                        .init(name: "X-Experience-API-Hash", value: payload.sha2),
                    ], body: payload.data))
        }
        return MultipartMixed.write(parts, boundary: boundary)
    }
}
