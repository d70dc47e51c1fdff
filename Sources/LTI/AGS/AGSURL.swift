/// Builds the URLs of a line item's sub-resources (AGS 2.0 §3.3, §3.4).
///
/// A line item URL may carry a query (`https://lms.example/lineitems/7?type_id=2`); the
/// `/scores` or `/results` segment goes at the end of the path, before the `?`:
/// `https://lms.example/lineitems/7/scores?type_id=2`.
public enum AGSURL {
    /// The score publish URL of `lineItem`.
    public static func scores(of lineItem: String) -> String { appending("scores", to: lineItem) }

    /// The results URL of `lineItem`.
    public static func results(of lineItem: String) -> String { appending("results", to: lineItem) }

    /// `lineItem` with `/segment` appended to its path, keeping any query and fragment.
    public static func appending(_ segment: String, to lineItem: String) -> String {
        let cut = lineItem.firstIndex(where: { $0 == "?" || $0 == "#" }) ?? lineItem.endIndex
        var path = String(lineItem[..<cut])
        while path.hasSuffix("/") { path.removeLast() }
        return path + "/" + segment + lineItem[cut...]
    }
}
