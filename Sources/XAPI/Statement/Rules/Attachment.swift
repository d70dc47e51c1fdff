/// Attachment objects (xAPI Data §2.4.11).
extension Validation {
    static let attachmentKeys = ["usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"]

    mutating func attachments(_ value: JSON) throws(XAPIError) {
        let list = try array(value, of: "Attachment objects")
        for (index, element) in list.enumerated() {
            try at(index) { v throws(XAPIError) in
                let object = try v.object(element, "an Attachment", allowed: Self.attachmentKeys)
                for key in ["usageType", "display", "contentType", "length", "sha2"] {
                    _ = try v.required(object, key, of: "An Attachment")
                }
                var info = ValidatedStatement.Attachment(usageType: "", contentType: "", length: 0, sha2: "", fileUrl: nil)
                for member in object.members {
                    try v.at(member.key) { v throws(XAPIError) in
                        switch member.key {
                        case "usageType": info.usageType = try v.iri(member.value)
                        case "display", "description": try v.languageMap(member.value)
                        case "contentType":
                            let text = try v.string(member.value)
                            guard MediaType.isValid(text) else {
                                throw v.error("attachment.content-type-invalid", "contentType must be an Internet media type such as text/plain; got \"\(text)\".")
                            }
                            info.contentType = text
                        case "length":
                            guard case .number(.integer(let length)) = member.value, length >= 0 else {
                                if case .number = member.value {
                                    throw v.error("attachment.length-invalid", "length must be a non-negative integer number of octets.")
                                }
                                throw v.wrongType(member.value, expected: "an integer")
                            }
                            info.length = length
                        case "sha2":
                            let text = try v.string(member.value)
                            guard !text.isEmpty, text.utf8.allSatisfy({ UUIDText.hexValue($0) != nil }) else {
                                throw v.error("attachment.sha2-invalid", "sha2 must be the hex digits of a SHA-2 hash; got \"\(text)\".")
                            }
                            info.sha2 = text.lowercased()
                        default: info.fileUrl = try v.irl(member.value)
                        }
                    }
                }
                if !v.inSubStatement { v.facts.attachments.append(info) }
            }
        }
    }
}
