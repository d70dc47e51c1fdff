import Foundation

/// What the validation walk learns about a statement for indexing, before the LRS assigns
/// its own properties.
struct StatementFacts: Sendable {
    var id: UUID?
    var verbID = ""
    var actorKey: AgentKey?
    var objectKind: ValidatedStatement.ObjectKind = .activity
    var objectActivityID: String?
    var objectAgentKey: AgentKey?
    var statementRefTarget: UUID?
    var registration: UUID?
    var timestamp: Timestamp?
    var version: String?
    var agentKeys: [AgentKey] = []
    var relatedAgentKeys: [AgentKey] = []
    var relatedActivityIDs: [String] = []
    var attachments: [ValidatedStatement.Attachment] = []
    var japan = JapanProfileExtensions()
    var hasSingleContextActivity = false

    mutating func addAgent(_ key: AgentKey, narrow: Bool) {
        if narrow, !agentKeys.contains(key) { agentKeys.append(key) }
        if !relatedAgentKeys.contains(key) { relatedAgentKeys.append(key) }
    }

    mutating func addActivity(_ id: String) {
        if !relatedActivityIDs.contains(id) { relatedActivityIDs.append(id) }
    }
}
