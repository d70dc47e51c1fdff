import Foundation

/// Signed statements (xAPI Data §2.6): a JWS in an attachment with usageType
/// `http://adlnet.gov/expapi/attachments/signature` and contentType `application/octet-stream`.
///
/// What is checked (§2.6.s5.b3): the attachment's content type; that its data was sent; that it
/// is a JWS Compact Serialization whose header `alg` is RS256, RS384 or RS512; that the payload
/// is a valid statement; and that the payload matches the received statement under
/// ``StatementComparison/payloadMatches(_:statement:)``. The RSA signature itself (against
/// an `x5c` certificate) is NOT verified: the library depends only on swift-crypto's `Crypto`,
/// which has no RSA; the spec notes this check catches mistakes and is not a security measure.
public enum SignedStatement {
    public static let usageType = ValidatedStatement.Attachment.signatureUsageType
    static let algorithms = ["RS256", "RS384", "RS512"]

    /// Checks every signature attachment of every statement; `payloads` from
    /// ``StatementRequest/matchAttachments(of:)``.
    public static func verifyAll(
        _ statements: [ValidatedStatement], payloads: [String: AttachmentPayload], version: XAPIVersion
    ) throws(XAPIError) {
        for (index, statement) in statements.enumerated() {
            do {
                try verify(statement, payloads: payloads, version: version)
            } catch {
                throw statements.count > 1 ? error.inBatch(at: index) : error
            }
        }
    }

    /// Checks the signature attachments of one statement.
    public static func verify(_ statement: ValidatedStatement, payloads: [String: AttachmentPayload], version: XAPIVersion) throws(XAPIError) {
        for (index, attachment) in statement.attachments.enumerated() where attachment.isSignature {
            let path = "$.attachments[\(index)]"
            guard MediaType.essence(attachment.contentType) == "application/octet-stream" else {
                throw XAPIError(
                    code: "signature.content-type", path: path + ".contentType",
                    message: "A signature attachment must have contentType application/octet-stream.")
            }
            guard let payload = payloads[attachment.sha2] else {
                throw XAPIError(code: "signature.data-missing", path: path, message: "The signature's JWS must be sent as a multipart part.")
            }
            let signed = try decodePayload(jws: payload.data, path: path)
            do {
                try StatementValidator(version: version).check(signed)
            } catch {
                throw XAPIError(code: "signature.payload-invalid", path: path, message: "The JWS payload is not a valid statement: \(error.message)")
            }
            guard StatementComparison.payloadMatches(signed, statement: statement.statement) else {
                throw XAPIError(
                    code: "signature.payload-mismatch", path: path,
                    message: "The signed statement in the JWS payload does not match the statement received.")
            }
        }
    }

    /// The JSON payload of a JWS Compact Serialization whose `alg` is RS256/384/512.
    static func decodePayload(jws: [UInt8], path: String) throws(XAPIError) -> JSON {
        let text = String(decoding: jws, as: UTF8.self).trimmingCharacters(in: " \t\r\n")
        let segments = text.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, let headerBytes = base64URLDecode(segments[0]), let payloadBytes = base64URLDecode(segments[1]),
            base64URLDecode(segments[2]) != nil
        else {
            throw XAPIError(code: "signature.malformed", path: path, message: "The signature is not a JWS Compact Serialization.")
        }
        guard let header = try? JSONParser.parse(headerBytes), let alg = header["alg"]?.string else {
            throw XAPIError(code: "signature.malformed", path: path, message: "The JWS header is not a JSON object with an alg.")
        }
        guard algorithms.contains(alg) else {
            throw XAPIError(code: "signature.algorithm", path: path, message: "The JWS must use RS256, RS384 or RS512, not \(alg).")
        }
        guard let payload = try? JSONParser.parse(payloadBytes), payload.object != nil else {
            throw XAPIError(code: "signature.payload-invalid", path: path, message: "The JWS payload is not a JSON statement.")
        }
        return payload
    }

    static func base64URLDecode(_ text: Substring) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}
