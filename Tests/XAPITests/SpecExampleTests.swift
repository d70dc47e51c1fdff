import Testing

@testable import XAPI

/// The example statements of xAPI 1.0.3 Data (§2.3.2, §2.4, §2.4.4.3, Appendix A, B, C) are valid.
@Suite("Spec examples are valid")
struct SpecExampleTests {
    static let simple = #"""
        {"id":"fd41c918-b88b-4b20-a0a5-a4c32391aaa0","timestamp":"2015-11-18T12:17:00+00:00",
         "actor":{"objectType":"Agent","name":"Project Tin Can API","mbox":"mailto:user@example.com"},
         "verb":{"id":"http://example.com/xapi/verbs#sent-a-statement","display":{"en-US":"sent"}},
         "object":{"id":"http://example.com/xapi/activity/simplestatement",
           "definition":{"name":{"en-US":"simple statement"},"description":{"en-US":"A simple Experience API statement."}}}}
        """#

    static let attempted = #"""
        {"id":"7ccd3322-e1a5-411a-a67d-6a735c76f119","timestamp":"2015-12-18T12:17:00+00:00",
         "actor":{"objectType":"Agent","name":"Example Learner","mbox":"mailto:example.learner@adlnet.gov"},
         "verb":{"id":"http://adlnet.gov/expapi/verbs/attempted","display":{"en-US":"attempted"}},
         "object":{"id":"http://example.adlnet.gov/xapi/example/simpleCBT",
           "definition":{"name":{"en-US":"simple CBT course"},"description":{"en-US":"A fictitious example CBT course."}}},
         "result":{"score":{"scaled":0.95},"success":true,"completion":true,"duration":"PT1234S"}}
        """#

    static let long = #"""
        {"id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
         "actor":{"name":"Team PB","mbox":"mailto:teampb@example.com","member":[
           {"name":"Andrew Downes","account":{"homePage":"http://www.example.com","name":"13936749"},"objectType":"Agent"},
           {"name":"Toby Nichols","openid":"http://toby.openid.example.org/","objectType":"Agent"},
           {"name":"Ena Hills","mbox_sha1sum":"ebd31e95054c018b10727ccffd2ef2ec3a016ee9","objectType":"Agent"}],
           "objectType":"Group"},
         "verb":{"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}},
         "result":{"extensions":{"http://example.com/profiles/meetings/resultextensions/minuteslocation":"X:\\meetings\\minutes\\examplemeeting.one"},
           "success":true,"completion":true,"response":"We agreed on some example actions.","duration":"PT1H0M0S"},
         "context":{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7",
           "contextActivities":{"parent":[{"id":"http://www.example.com/meetings/series/267","objectType":"Activity"}],
             "category":[{"id":"http://www.example.com/meetings/categories/teammeeting","objectType":"Activity",
               "definition":{"name":{"en":"team meeting"},"description":{"en":"A category of meeting used for regular team meetings."},
               "type":"http://example.com/expapi/activities/meetingcategory"}}],
             "other":[{"id":"http://www.example.com/meetings/occurances/34257","objectType":"Activity"},
                      {"id":"http://www.example.com/meetings/occurances/3425567","objectType":"Activity"}]},
           "instructor":{"name":"Andrew Downes","account":{"homePage":"http://www.example.com","name":"13936749"},"objectType":"Agent"},
           "team":{"name":"Team PB","mbox":"mailto:teampb@example.com","objectType":"Group"},
           "platform":"Example virtual meeting software","language":"tlh",
           "statement":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}},
         "timestamp":"2013-05-18T05:32:34.804+00:00","stored":"2013-05-18T05:32:34.804+00:00",
         "authority":{"account":{"homePage":"http://cloud.scorm.com/","name":"anonymous"},"objectType":"Agent"},
         "version":"1.0.0",
         "object":{"id":"http://www.example.com/meetings/occurances/34534",
           "definition":{"extensions":{"http://example.com/profiles/meetings/activitydefinitionextensions/room":{"name":"Kilby","id":"http://example.com/rooms/342"}},
             "name":{"en-GB":"example meeting","en-US":"example meeting"},
             "description":{"en-GB":"An example meeting.","en-US":"An example meeting."},
             "type":"http://adlnet.gov/expapi/activities/meeting","moreInfo":"http://virtualmeeting.example.com/345256"},
           "objectType":"Activity"}}
        """#

    static let voiding = #"""
        {"actor":{"objectType":"Agent","name":"Example Admin","mbox":"mailto:admin@example.adlnet.gov"},
         "verb":{"id":"http://adlnet.gov/expapi/verbs/voided","display":{"en-US":"voided"}},
         "object":{"objectType":"StatementRef","id":"e05aa883-acaf-40ad-bf54-02c8ce485fb0"}}
        """#

    static let subStatement = #"""
        {"actor":{"objectType":"Agent","mbox":"mailto:test@example.com"},
         "verb":{"id":"http://example.com/planned","display":{"en-US":"planned"}},
         "object":{"objectType":"SubStatement",
           "actor":{"objectType":"Agent","mbox":"mailto:test@example.com"},
           "verb":{"id":"http://example.com/visited","display":{"en-US":"will visit"}},
           "object":{"objectType":"Activity","id":"http://example.com/website","definition":{"name":{"en-US":"Some Awesome Website"}}}}}
        """#

    static let statementRef = #"""
        {"actor":{"objectType":"Agent","mbox":"mailto:test@example.com"},
         "verb":{"id":"http://example.com/commented","display":{"en-US":"commented"}},
         "object":{"objectType":"StatementRef","id":"8f87ccde-bb56-4c2e-ab83-44982ef22df0"},
         "result":{"response":"Wow, nice work!"}}
        """#

    @Test(arguments: [simple, attempted, long, voiding, subStatement, statementRef])
    func appendixStatementsValidateInBothVersions(text: String) throws {
        _ = try Fixture.validate(text: text, version: .v1_0_3)
        _ = try Fixture.validate(text: text, version: .v2_0_0)
    }

    @Test func theSimplestStatementIsAccepted() throws {
        let statement = try Fixture.validate(Fixture.minimal)
        #expect(statement.verbID == "http://adlnet.gov/expapi/verbs/created")
        #expect(statement.actorKey?.rawValue == "mbox:mailto:xapi@adlnet.gov")
        #expect(statement.objectActivityID == "http://example.adlnet.gov/xapi/example/activity")
    }

    static let interactionDefinitions: [JSON] = [
        ["interactionType": "true-false", "correctResponsesPattern": ["true"]],
        ["interactionType": "choice", "correctResponsesPattern": ["golf[,]tetris"],
         "choices": [["id": "golf", "description": ["en-US": "Golf Example"]], ["id": "tetris", "description": ["en-US": "Tetris Example"]]]],
        ["interactionType": "fill-in", "correctResponsesPattern": ["Bob's your uncle"]],
        ["interactionType": "long-fill-in", "correctResponsesPattern": ["{case_matters=false}{lang=en}To store and provide access to learning experiences."]],
        ["interactionType": "likert", "correctResponsesPattern": ["likert_3"],
         "scale": [["id": "likert_0", "description": ["en-US": "It's OK"]], ["id": "likert_3", "description": ["en-US": "It's Gonna Change the World"]]]],
        ["interactionType": "matching", "correctResponsesPattern": ["ben[.]3[,]chris[.]2"],
         "source": [["id": "ben", "description": ["en-US": "Ben"]], ["id": "chris", "description": ["en-US": "Chris"]]],
         "target": [["id": "2", "description": ["en-US": "We got Runs"]], ["id": "3", "description": ["en-US": "Duck"]]]],
        ["interactionType": "performance", "correctResponsesPattern": ["pong[.]1:[,]dg[.]:10[,]lunch[.]"],
         "steps": [["id": "pong", "description": ["en-US": "Net pong matches won"]], ["id": "dg"], ["id": "lunch"]]],
        ["interactionType": "sequencing", "correctResponsesPattern": ["tim[,]mike[,]ells[,]ben"],
         "choices": [["id": "tim"], ["id": "ben"], ["id": "ells"], ["id": "mike"]]],
        ["interactionType": "numeric", "correctResponsesPattern": ["4[:]"]],
        ["interactionType": "other", "correctResponsesPattern": ["(35.937432,-86.868896)"]],
    ]

    @Test(arguments: interactionDefinitions)
    func appendixCInteractionDefinitionsAreValid(definition: JSON) {
        var full = definition
        full = full.setting(["type"], to: "http://adlnet.gov/expapi/activities/cmi.interaction")
        full = full.setting(["description"], to: ["en-US": "An interaction"])
        expectAccepted(Fixture.minimal(setting: ["object", "definition"], to: full))
    }
}
