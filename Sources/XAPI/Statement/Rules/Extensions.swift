/// Extensions (xAPI Data §4.1): an object whose keys are IRIs; the values are never checked
/// and may be any JSON, null included (§4.1.s3.b2, §2.2.s4.b1.b1).
extension Validation {
    @discardableResult
    mutating func extensions(_ value: JSON) throws(XAPIError) -> JSONObject {
        guard case .object(let map) = value else { throw wrongType(value, expected: "an extensions object (IRI → any value)") }
        for member in map.members where !IRI.isValid(member.key) {
            try at(member.key) { v throws(XAPIError) in
                throw v.error("extensions.key-invalid", "Extension keys must be IRIs; \"\(member.key)\" is not.")
            }
        }
        return map
    }
}
