import Foundation
import XAPI

// Generates N realistic CBT statements (Japan xAPI assessment profile: account actor, verb
// answered, a cmi.interaction activity with Japan extensions, a scored result with duration,
// context with registration, contextActivities and extensions), then times
// parse → validate → encode for each, single-threaded, after a warm-up pass.

let count = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20_000

func statement(_ index: Int) -> [UInt8] {
    let id = UUID().uuidString.lowercased()
    let registration = UUID().uuidString.lowercased()
    let student = 100_000 + index % 5_000
    let question = index % 40 + 1
    let raw = index % 11
    let text = """
        {"id":"\(id)","actor":{"objectType":"Agent","name":"生徒 \(student)","account":{"homePage":"https://kakehashi.example.jp","name":"s\(student)"}},\
        "verb":{"id":"http://adlnet.gov/expapi/verbs/answered","display":{"ja-JP":"回答した","en-US":"answered"}},\
        "object":{"objectType":"Activity","id":"https://cbt.example.jp/tests/math-6-2/questions/\(question)","definition":{\
        "name":{"ja-JP":"算数 第6学年 問\(question)","en-US":"Math grade 6 question \(question)"},\
        "description":{"ja-JP":"分数のかけ算の問題です。"},\
        "type":"http://adlnet.gov/expapi/activities/cmi.interaction","interactionType":"choice",\
        "correctResponsesPattern":["b"],\
        "choices":[{"id":"a","description":{"ja-JP":"1/2"}},{"id":"b","description":{"ja-JP":"3/4"}},{"id":"c","description":{"ja-JP":"5/6"}}],\
        "extensions":{"https://w3id.org/japan-xapi/extensions/grade":["小学校第6学年"],"https://w3id.org/japan-xapi/extensions/subject":["算数"],\
        "https://w3id.org/japan-xapi/extensions/course-of-study-code":["8260253111100000"],"https://w3id.org/japan-xapi/extensions/unit":["分数のかけ算"],\
        "https://w3id.org/japan-xapi/extensions/question-order":\(question)}}},\
        "result":{"score":{"scaled":\(Double(raw) / 10),"raw":\(raw),"min":0,"max":10},"success":\(raw >= 6),"completion":true,"response":"b","duration":"PT\(index % 300)S"},\
        "context":{"registration":"\(registration)","platform":"Kakehashi CBT","language":"ja-JP",\
        "contextActivities":{"parent":[{"id":"https://cbt.example.jp/tests/math-6-2","objectType":"Activity"}],\
        "grouping":[{"id":"https://cbt.example.jp/courses/math-6"}],"category":[{"id":"https://w3id.org/japan-xapi/profiles/assessment"}]},\
        "extensions":{"https://w3id.org/japan-xapi/extensions/assessment-type":"formative","https://w3id.org/japan-xapi/extensions/grade":["小学校第6学年"]}},\
        "timestamp":"2026-04-0\(index % 9 + 1)T09:\(10 + index % 50):15.250+09:00"}
        """
    return Array(text.utf8)
}

let bodies = (0..<count).map(statement)
let averageSize = bodies.reduce(0) { $0 + $1.count } / max(1, count)
let validator = StatementValidator(version: .v1_0_3)
let authority: JSON = ["objectType": "Agent", "account": ["homePage": "https://lrs.example.jp", "name": "cbt-tool"]]
let assignment = LRSAssignment(stored: Date(), authority: authority)

func run() throws -> (seconds: Double, bytes: Int) {
    var encodedBytes = 0
    let clock = ContinuousClock()
    let elapsed = try clock.measure {
        for body in bodies {
            let statement = try validator.validateStatement(body, assignment: assignment)
            encodedBytes += statement.encoded().count
        }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (seconds, encodedBytes)
}

_ = try run()  // warm-up
var best = Double.infinity
var bytes = 0
for _ in 0..<3 {
    let (seconds, encoded) = try run()
    best = min(best, seconds)
    bytes = encoded
}
let perStatement = best / Double(count) * 1e6
print("statements: \(count), average body \(averageSize) bytes, encoded \(bytes / max(1, count)) bytes")
print(String(format: "parse+validate+encode: %.2f µs/statement, %.0f statements/s (single thread, best of 3)", perStatement, Double(count) / best))

// Where the time goes: each stage alone, best of 3.
func stage(_ name: String, _ body: () throws -> Void) rethrows {
    var bestStage = Double.infinity
    for _ in 0..<3 {
        let elapsed = try ContinuousClock().measure { try body() }
        bestStage = min(bestStage, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    print(String(format: "  %@: %.2f µs/statement", name, bestStage / Double(count) * 1e6))
}
let parsed = try bodies.map { try JSONParser.parse($0) }
let validated = try parsed.map { try validator.validate($0, assignment: assignment) }
try stage("parse") { for body in bodies { _ = try JSONParser.parse(body) } }
try stage("validate + LRS properties") { for json in parsed { _ = try validator.validate(json, assignment: assignment) } }
stage("encode") { for statement in validated { _ = statement.encoded() } }
