import Foundation

/// Decoding of request bodies whose failures become an ``LTIError`` with the JSON path of the
/// offending member, instead of Foundation's `DecodingError` text.
enum JSONBody {
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, code: String = "json.invalid") throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as LTIError {
            throw error
        } catch let error as DecodingError {
            throw LTIError.decoding(error, code: code)
        }
    }

    /// The object at the top of `data`, or an error saying that the body is not a JSON object.
    static func object(from data: Data) throws -> [String: LTIJSON] {
        guard let value = try? JSONDecoder().decode(LTIJSON.self, from: data) else {
            throw LTIError.malformedJSON()
        }
        guard let object = value.object else {
            throw LTIError.malformedJSON(path: JSONPath.root)
        }
        return object
    }
}
