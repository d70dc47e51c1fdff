/// Statement comparison (xAPI Data §2.3.1 "Statement Comparison Requirements"): whether a
/// received statement matches the one stored under the same id (PUT/POST → 204 or 409), or
/// the payload of its signature (§2.6.s5.b3.b2).
///
/// Differences that the immutability exceptions (§2.3.1.b1–b7) could cause are ignored:
/// - `id`, `authority`, `stored`, `version` (LRS-assigned); `timestamp` when only one side has
///   it, otherwise compared as an instant (any time zone, §2.3.1.b4);
/// - the Activity `definition`s and the verb `display` (not part of the statement, b2, b3);
/// - the order of Group members (b5) and of attachments;
/// - a single context Activity versus an array of one (§2.4.6.2.s4.b3);
/// - case where the value is case-insensitive (b7): UUIDs, the domain of `mbox`, `mbox_sha1sum`;
/// - a default `objectType` written out or omitted (`Activity` for objects, `Agent` for agents);
/// - numbers by value (`1` and `1.0`), durations beyond 0.01 s (§4.6.s1.b5).
///
/// Everything else, including the `duration` text and the result, must be equal.
public enum StatementComparison {
    /// Whether `received` matches `stored` under the comparison rules.
    public static func matches(_ received: JSON, _ stored: JSON) -> Bool {
        comparable(received, ignoringSignatures: false) == comparable(stored, ignoringSignatures: false)
            && timestampsAgree(received, stored)
    }

    /// Whether a signature's payload matches the statement it was attached to: as ``matches``,
    /// and the signature attachments of `received` are left out (the payload is the statement
    /// "before the signature was added", §2.6.s4.b3).
    public static func payloadMatches(_ payload: JSON, statement received: JSON) -> Bool {
        comparable(payload, ignoringSignatures: true) == comparable(received, ignoringSignatures: true)
            && timestampsAgree(payload, received)
    }

    static func timestampsAgree(_ a: JSON, _ b: JSON) -> Bool {
        guard let left = a["timestamp"]?.string, let right = b["timestamp"]?.string else { return true }
        let l = Timestamp.parse(left, profile: .iso8601)?.date
        let r = Timestamp.parse(right, profile: .iso8601)?.date
        guard let l, let r else { return left == right }
        return abs(l.timeIntervalSince(r)) < 0.0005
    }

    /// The statement reduced to what the comparison looks at.
    static func comparable(_ statement: JSON, ignoringSignatures: Bool) -> JSON {
        guard case .object(var object) = statement else { return statement }
        for key in ["id", "authority", "stored", "version", "timestamp"] { object[key] = nil }
        return .object(normalizeBody(object, ignoringSignatures: ignoringSignatures))
    }

    static func normalizeBody(_ statement: JSONObject, ignoringSignatures: Bool) -> JSONObject {
        var object = statement
        if let actor = object["actor"] { object["actor"] = normalizeActor(actor) }
        if case .object(var verb)? = object["verb"] {
            verb["display"] = nil
            object["verb"] = .object(verb)
        }
        if let target = object["object"] { object["object"] = normalizeObject(target, ignoringSignatures: ignoringSignatures) }
        if case .object(var result)? = object["result"] {
            if let text = result["duration"]?.string, let duration = ISODuration.parse(text) {
                result["duration"] = .array(duration.comparisonKey.map { .number(.double($0)) })
            }
            object["result"] = .object(result)
        }
        if let context = object["context"] { object["context"] = normalizeContext(context) }
        if case .array(var attachments)? = object["attachments"] {
            if ignoringSignatures {
                attachments.removeAll { $0["usageType"] == .string(ValidatedStatement.Attachment.signatureUsageType) }
            }
            attachments = attachments.map(normalizeAttachment).sorted { $0.jsonString < $1.jsonString }
            object["attachments"] = attachments.isEmpty ? nil : .array(attachments)
        }
        return object
    }

    static func normalizeAttachment(_ attachment: JSON) -> JSON {
        guard case .object(var object) = attachment else { return attachment }
        if let sha2 = object["sha2"]?.string { object["sha2"] = .string(sha2.lowercased()) }
        return .object(object)
    }

    static func normalizeActor(_ actor: JSON) -> JSON {
        guard case .object(var object) = actor else { return actor }
        if object["objectType"] == nil { object["objectType"] = "Agent" }
        if let mbox = object["mbox"]?.string { object["mbox"] = .string(IRI.normalizedMailto(mbox)) }
        if let sha1 = object["mbox_sha1sum"]?.string { object["mbox_sha1sum"] = .string(sha1.lowercased()) }
        if case .array(let members)? = object["member"] {
            object["member"] = .array(members.map(normalizeActor).sorted { $0.jsonString < $1.jsonString })
        }
        return .object(object)
    }

    static func normalizeActivity(_ activity: JSON) -> JSON {
        guard case .object(var object) = activity else { return activity }
        object["definition"] = nil
        if object["objectType"] == nil { object["objectType"] = "Activity" }
        return .object(object)
    }

    static func normalizeObject(_ target: JSON, ignoringSignatures: Bool) -> JSON {
        guard case .object(var object) = target else { return target }
        switch object["objectType"]?.string {
        case nil, "Activity": return normalizeActivity(target)
        case "Agent", "Group": return normalizeActor(target)
        case "StatementRef":
            if let id = object["id"]?.string { object["id"] = .string(id.lowercased()) }
            return .object(object)
        case "SubStatement":
            if let timestamp = object["timestamp"]?.string, let parsed = Timestamp.parse(timestamp, profile: .iso8601) {
                object["timestamp"] = .string(parsed.utcString)
            }
            return .object(normalizeBody(object, ignoringSignatures: ignoringSignatures))
        default: return target
        }
    }

    static func normalizeContext(_ context: JSON) -> JSON {
        guard case .object(var object) = context else { return context }
        if let registration = object["registration"]?.string { object["registration"] = .string(registration.lowercased()) }
        if let instructor = object["instructor"] { object["instructor"] = normalizeActor(instructor) }
        if let team = object["team"] { object["team"] = normalizeActor(team) }
        if case .object(var statement)? = object["statement"], let id = statement["id"]?.string {
            statement["id"] = .string(id.lowercased())
            object["statement"] = .object(statement)
        }
        if case .object(var activities)? = object["contextActivities"] {
            for index in activities.members.indices {
                let value = activities.members[index].value
                let list = value.array ?? [value]
                activities.members[index].value = .array(list.map(normalizeActivity))
            }
            object["contextActivities"] = .object(activities)
        }
        for key in ["contextAgents", "contextGroups"] {
            if case .array(let entries)? = object[key] {
                object[key] = .array(
                    entries.map { entry in
                        guard case .object(var entry) = entry else { return entry }
                        if let agent = entry["agent"] { entry["agent"] = normalizeActor(agent) }
                        if let group = entry["group"] { entry["group"] = normalizeActor(group) }
                        return .object(entry)
                    })
            }
        }
        return .object(object)
    }
}
