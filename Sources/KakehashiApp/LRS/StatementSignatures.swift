import Crypto
import CryptoExtras
import Foundation
import JWTKit
import XAPI

/// The part of signed-statement checking the XAPI library leaves to the app (it has no RSA):
/// when the JWS header carries an `x5c` certificate, the signature must verify against that
/// certificate's key (xAPI Data §2.6.s5.b3: "the LRS MUST reject … if the signature does not
/// verify"). Everything else (algorithm, payload, content type) is ``SignedStatement``'s.
enum StatementSignatures {
    static func verifyCertificates(_ statements: [ValidatedStatement], payloads: [String: AttachmentPayload]) throws(XAPIError) {
        for (index, statement) in statements.enumerated() {
            for (position, attachment) in statement.attachments.enumerated() where attachment.isSignature {
                guard let payload = payloads[attachment.sha2] else { continue }
                let path = (statements.count > 1 ? "$[\(index)]" : "$") + ".attachments[\(position)]"
                guard verify(jws: payload.data) else {
                    throw XAPIError(code: "signature.invalid", path: path, message: "The JWS signature does not verify against its x5c certificate.")
                }
            }
        }
    }

    /// False only when an x5c certificate is present and the signature does not verify with it.
    static func verify(jws: [UInt8]) -> Bool {
        let text = String(decoding: jws, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let segments = text.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, let headerBytes = base64URL(segments[0]),
            let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any]
        else { return true }  // malformed: SignedStatement refuses it
        guard let chain = header["x5c"] as? [String], let first = chain.first else { return true }
        guard let signature = base64URL(segments[2]) else { return false }
        // PEM wants the base64 in lines of 64 characters.
        var lines: [Substring] = []
        var rest = Substring(first.filter { !$0.isWhitespace })
        while !rest.isEmpty {
            lines.append(rest.prefix(64))
            rest = rest.dropFirst(64)
        }
        let pem = "-----BEGIN CERTIFICATE-----\n" + lines.joined(separator: "\n") + "\n-----END CERTIFICATE-----\n"
        guard let certificateKey = try? Insecure.RSA.PublicKey(certificatePEM: pem),
            let key = try? _RSA.Signing.PublicKey(pemRepresentation: certificateKey.pemRepresentation)
        else { return false }
        let input = Data((segments[0] + "." + segments[1]).utf8)
        let rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: signature)
        switch header["alg"] as? String {
        case "RS256": return key.isValidSignature(rsaSignature, for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5)
        case "RS384": return key.isValidSignature(rsaSignature, for: SHA384.hash(data: input), padding: .insecurePKCS1v1_5)
        case "RS512": return key.isValidSignature(rsaSignature, for: SHA512.hash(data: input), padding: .insecurePKCS1v1_5)
        default: return false
        }
    }

    static func base64URL(_ text: Substring) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}
