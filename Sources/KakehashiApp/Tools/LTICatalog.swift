import Fluent
import Foundation
import Vapor

/// Tools, resource links and tenant names as the launch path reads them, kept for a few seconds
/// per process: they change rarely (a tool disabled takes effect within `lifetime`), and a
/// launch reads each twice.
actor LTICatalog {
    static let lifetime: TimeInterval = 5

    private struct Entry<Value> {
        var value: Value
        var loadedAt: Date
    }

    private var toolsByClientID: [String: Entry<LTITool?>] = [:]
    private var toolsByID: [UUID: Entry<LTITool?>] = [:]
    private var links: [String: Entry<LTIResourceLink?>] = [:]
    private var tenants: [UUID: Entry<Tenant?>] = [:]

    private func fresh<Value>(_ entry: Entry<Value>?) -> Entry<Value>? {
        guard let entry, Date().timeIntervalSince(entry.loadedAt) < Self.lifetime else { return nil }
        return entry
    }

    func tool(clientID: String, database: any Database) async throws -> LTITool? {
        if let cached = fresh(toolsByClientID[clientID]) { return cached.value }
        let tool = try await LTITool.query(on: database).filter(\.$clientID == clientID).first()
        toolsByClientID[clientID] = Entry(value: tool, loadedAt: Date())
        return tool
    }

    func tool(id: UUID, database: any Database) async throws -> LTITool? {
        if let cached = fresh(toolsByID[id]) { return cached.value }
        let tool = try await LTITool.find(id, on: database)
        toolsByID[id] = Entry(value: tool, loadedAt: Date())
        return tool
    }

    /// An active resource link.
    func link(_ linkID: String, database: any Database) async throws -> LTIResourceLink? {
        if let cached = fresh(links[linkID]) { return cached.value }
        let link = try await LTIResourceLink.query(on: database).filter(\.$linkID == linkID).filter(\.$status == "active").first()
        links[linkID] = Entry(value: link, loadedAt: Date())
        return link
    }

    func tenant(_ id: UUID, database: any Database) async throws -> Tenant? {
        if let cached = fresh(tenants[id]) { return cached.value }
        let tenant = try await Tenant.find(id, on: database)
        tenants[id] = Entry(value: tenant, loadedAt: Date())
        return tenant
    }

    /// Forgets everything (a tool changed in this process).
    func invalidate() {
        toolsByClientID = [:]
        toolsByID = [:]
        links = [:]
        tenants = [:]
    }
}

struct LTICatalogKey: StorageKey {
    typealias Value = LTICatalog
}

extension Request {
    var ltiCatalog: LTICatalog { application.storage[LTICatalogKey.self] ?? LTICatalog() }
}
