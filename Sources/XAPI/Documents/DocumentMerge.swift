/// POST onto a JSON document of the State, Activity Profile or Agent Profile resources
/// (Communication §2.2.s7): both documents must be JSON objects, and the posted top-level
/// properties replace or join those of the existing one.
public enum DocumentMerge {
    /// The merged document. `document.not-json-object` (400) when either side is not a JSON object.
    public static func merge(existing: some Collection<UInt8>, posted: some Collection<UInt8>) throws(XAPIError) -> [UInt8] {
        try merge(existing: parseObject(existing, "stored"), posted: parseObject(posted, "posted")).encoded()
    }

    /// The merged object: existing members in order, posted members replacing or appended.
    public static func merge(existing: JSONObject, posted: JSONObject) -> JSON {
        var result = existing
        for member in posted.members { result[member.key] = member.value }
        return .object(result)
    }

    static func parseObject(_ bytes: some Collection<UInt8>, _ which: String) throws(XAPIError) -> JSONObject {
        guard let json = try? JSONParser.parse(bytes), case .object(let object) = json else {
            throw XAPIError(
                code: "document.not-json-object",
                message: "The \(which) document is not a JSON object, so the two cannot be merged; use PUT to replace it.")
        }
        return object
    }
}
