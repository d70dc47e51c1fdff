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
            _ = try await request.db.sql.raw("SELECT 1 AS one").all()
            return try await HealthStatus(status: "ok").encodeResponse(status: .ok, for: request)
        } catch {
            request.logger.warning("readiness check failed", metadata: ["error": .string(String(describing: error))])
            let response = Response(status: .serviceUnavailable)
            try? response.content.encode(HealthStatus(status: "database unavailable"))
            return response
        }
    }
    try app.register(collection: OverviewController())
}

struct HealthStatus: Content {
    var status: String
}
