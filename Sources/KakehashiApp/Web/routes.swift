import Fluent
import SQLKit
import Vapor

func routes(_ app: Application) throws {
    // Liveness: the process answers.
    app.get("healthz") { _ in
        HealthStatus(status: "ok")
    }
    // Readiness: the database answers.
    app.get("readyz") { request async -> Response in
        do {
            // Not `request.db`, which traps when no database is configured.
            guard let database = request.application.databases.database(logger: request.logger, on: request.eventLoop) else {
                throw Abort(.serviceUnavailable, reason: "no database configured")
            }
            _ = try await database.sql.raw("SELECT 1 AS one").all()
            return try await HealthStatus(status: "ok").encodeResponse(status: .ok, for: request)
        } catch {
            request.logger.warning("readiness check failed", metadata: ["error": .string(String(describing: error))])
            let response = Response(status: .serviceUnavailable)
            try? response.content.encode(HealthStatus(status: "database unavailable"))
            return response
        }
    }
    try app.register(collection: OverviewController())
    try app.register(collection: SignInController())
    try app.register(collection: MFAController())
    try app.register(collection: OIDCController())
    try app.register(collection: HomeController())
    try app.register(collection: RosterViewsController())
    try app.register(collection: AdminController())
    try app.register(collection: RosterUploadController())
    try app.register(collection: AuditController())
    try app.register(collection: LaunchController())
    try app.register(collection: ClassToolsController())
    try app.register(collection: ToolPagesController())
    try app.register(collection: LTIPlatformController())
    try app.register(collection: LTIServicesController())
    try app.register(collection: DeepLinkingController())
    try app.register(collection: GradebookController())
    try app.register(collection: DynamicRegistrationController())
    try app.register(collection: LRSController())
    try app.register(collection: LearnerRecordsController())
}

struct HealthStatus: Content {
    var status: String
}
