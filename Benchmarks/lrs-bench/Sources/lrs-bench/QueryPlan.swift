import Foundation

/// The queries of a run: by agent + verb + since, as a dashboard asks for one student's answers
/// since a date. Agent and verb are drawn among the generated ones (every student and verb has
/// statements once enough are stored); `since` is spread evenly over the window in which the
/// statements were stored, since xAPI's `since` compares `stored`, not `timestamp`.
struct QueryPlan: Sendable {
    struct Entry: Sendable {
        var student: Int
        var verb: StatementUniverse.Verb
        /// Where `since` falls in the stored window, 0 (its start) to 1 (its end).
        var fraction: Double
        var since: String
    }

    var entries: [Entry]

    init(universe: StatementUniverse, count: Int, sinceFrom: Date, sinceTo: Date) {
        var random = SplitMix64(seed: universe.seed, stream: 4, index: 0)
        let span = sinceTo.timeIntervalSince(sinceFrom)
        entries = (0..<count).map { _ in
            let student = random.below(universe.students.count)
            let verb = StatementUniverse.Verb.allCases[random.below(StatementUniverse.Verb.allCases.count)]
            let fraction = Double(random.below(1_000_000)) / 1_000_000
            return Entry(student: student, verb: verb, fraction: fraction, since: Timestamps.format(sinceFrom.addingTimeInterval(span * fraction)))
        }
    }

    /// One line per query: account name, verb IRI, fraction, since (for the floor's same queries).
    func tsv(universe: StatementUniverse) -> String {
        entries.map { "\(universe.students[$0.student])\t\($0.verb.id)\t\($0.fraction)\t\($0.since)\n" }.joined()
    }
}
