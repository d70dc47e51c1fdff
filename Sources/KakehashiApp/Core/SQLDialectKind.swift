import Fluent
import SQLKit

/// Which SQL engine a database is, for the few statements that differ (pragmas, bulk binds).
enum SQLDialectKind: Sendable {
    case sqlite
    case postgres

    init(_ database: any SQLDatabase) {
        self = database.dialect.name == "sqlite" ? .sqlite : .postgres
    }
}

extension Database {
    /// The SQLKit view of a Fluent database (both supported drivers are SQL databases).
    var sql: any SQLDatabase { self as! any SQLDatabase }
}
