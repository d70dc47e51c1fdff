/// The verb (xAPI Data §2.4.3): an IRI `id` and an optional `display` language map.
extension Validation {
    static let verbKeys = ["id", "display"]
    static let voidedVerb = "http://adlnet.gov/expapi/verbs/voided"

    mutating func verb(_ value: JSON) throws(XAPIError) -> String {
        let object = try self.object(value, "the verb", allowed: Self.verbKeys)
        let id = try required(object, "id", of: "The verb")
        let verbID = try at("id") { v throws(XAPIError) in try v.iri(id) }
        if let display = object["display"] {
            try at("display") { v throws(XAPIError) in try v.languageMap(display) }
        }
        return verbID
    }
}
