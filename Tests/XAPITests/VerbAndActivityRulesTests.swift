import Testing

@testable import XAPI

/// Data §2.4.3: the verb.
@Suite("Verb")
struct VerbRulesTests {
    @Test func theVerbIsRequired() {
        expectRejected(Fixture.minimal(setting: ["verb"], to: nil), code: "property.missing", path: "$.verb")
    }

    @Test func theVerbIdMustBeAnIRI() {
        expectRejected(Fixture.minimal(setting: ["verb", "id"], to: "created"), code: "iri.invalid", path: "$.verb.id")
        expectRejected(Fixture.minimal(setting: ["verb", "id"], to: ""), code: "iri.invalid", path: "$.verb.id")
    }

    @Test func theVerbIdIsRequired() {
        expectRejected(Fixture.minimal(setting: ["verb", "id"], to: nil), code: "property.missing", path: "$.verb.id")
    }

    @Test func displayIsOptional() {
        expectAccepted(Fixture.minimal(setting: ["verb", "display"], to: nil))
    }

    @Test func displayMustBeALanguageMap() {
        expectRejected(Fixture.minimal(setting: ["verb", "display"], to: "created"), code: "value.wrong-type", path: "$.verb.display")
        expectRejected(Fixture.minimal(setting: ["verb", "display"], to: [:]), code: "language-map.empty", path: "$.verb.display")
    }

    @Test func displayKeysMustBeLanguageTags() {
        expectRejected(
            Fixture.minimal(setting: ["verb", "display"], to: ["de-419-DE": "besucht"]),
            code: "language-map.invalid-tag", path: "$.verb.display[\"de-419-DE\"]")
    }

    @Test func displayValuesMustBeStrings() {
        expectRejected(Fixture.minimal(setting: ["verb", "display", "en-US"], to: JSON.null), code: "value.null", path: "$.verb.display[\"en-US\"]")
        expectRejected(Fixture.minimal(setting: ["verb", "display", "en-US"], to: 1), code: "value.wrong-type", path: "$.verb.display[\"en-US\"]")
    }

    @Test func aVerbHasNoOtherProperties() {
        expectRejected(Fixture.minimal(setting: ["verb", "name"], to: ["en": "x"]), code: "property.unknown", path: "$.verb.name")
    }
}

/// Data §2.4.4.1: Activities, their definitions and interaction activities.
@Suite("Activity")
struct ActivityRulesTests {
    func withDefinition(_ definition: JSON) -> JSON { Fixture.minimal(setting: ["object", "definition"], to: definition) }

    @Test func theActivityIdIsRequiredAndAnIRI() {
        expectRejected(Fixture.minimal(setting: ["object", "id"], to: nil), code: "property.missing", path: "$.object.id")
        expectRejected(Fixture.minimal(setting: ["object", "id"], to: "activity"), code: "iri.invalid", path: "$.object.id")
    }

    @Test func objectTypeActivityIsExact() {
        expectAccepted(Fixture.minimal(setting: ["object", "objectType"], to: "Activity"))
        expectRejected(Fixture.minimal(setting: ["object", "objectType"], to: "activity"), code: "object-type.invalid", path: "$.object.objectType")
    }

    @Test func nameAndDescriptionAreLanguageMaps() {
        expectRejected(withDefinition(["name": "x"]), code: "value.wrong-type", path: "$.object.definition.name")
        expectRejected(withDefinition(["description": [:]]), code: "language-map.empty", path: "$.object.definition.description")
        expectRejected(withDefinition(["name": ["a12345": "x"]]), code: "language-map.invalid-tag", path: "$.object.definition.name.a12345")
    }

    @Test func typeIsAnIRIAndMoreInfoAnIRL() {
        expectRejected(withDefinition(["type": "meeting"]), code: "iri.invalid", path: "$.object.definition.type")
        expectRejected(withDefinition(["moreInfo": "nowhere"]), code: "irl.invalid", path: "$.object.definition.moreInfo")
        expectRejected(withDefinition(["moreInfo": nil]), code: "value.null", path: "$.object.definition.moreInfo")
    }

    @Test(arguments: ["true-faLse", "Choice", "other ", "multiple-choice", ""])
    func interactionTypeMustMatchExactly(type: String) {
        expectRejected(
            withDefinition(["interactionType": .string(type)]), code: "activity.interaction-type-invalid",
            path: "$.object.definition.interactionType")
    }

    @Test func interactionPropertiesNeedAnInteractionType() {
        expectRejected(withDefinition(["choices": [["id": "a"]]]), code: "activity.interaction-type-missing", path: "$.object.definition")
        expectRejected(withDefinition(["correctResponsesPattern": ["a"]]), code: "activity.interaction-type-missing", path: "$.object.definition")
    }

    @Test(arguments: [("likert", "choices"), ("true-false", "choices"), ("choice", "scale"), ("matching", "steps"), ("numeric", "source")])
    func onlyTheTypesComponentListsAreAllowed(type: String, list: String) {
        expectRejected(
            withDefinition(.object(JSONObject([("interactionType", JSON.string(type)), (list, JSON.array([["id": "a"]]))]))),
            code: "activity.component-list-not-allowed", path: "$.object.definition.\(list)")
    }

    @Test func componentIdsMustBeDistinct() {
        expectRejected(
            withDefinition(["interactionType": "choice", "choices": [["id": "a"], ["id": "a"]]]),
            code: "activity.component-id-duplicate", path: "$.object.definition.choices[1]")
    }

    @Test func componentsNeedAStringId() {
        expectRejected(
            withDefinition(["interactionType": "choice", "choices": [["description": ["en": "x"]]]]),
            code: "property.missing", path: "$.object.definition.choices[0].id")
        expectRejected(
            withDefinition(["interactionType": "choice", "choices": [["id": 1]]]),
            code: "value.wrong-type", path: "$.object.definition.choices[0].id")
    }

    @Test func correctResponsesPatternIsAnArrayOfStrings() {
        expectRejected(
            withDefinition(["interactionType": "choice", "correctResponsesPattern": "a"]),
            code: "value.wrong-type", path: "$.object.definition.correctResponsesPattern")
        expectRejected(
            withDefinition(["interactionType": "choice", "correctResponsesPattern": ["a", 2]]),
            code: "value.wrong-type", path: "$.object.definition.correctResponsesPattern[1]")
    }

    @Test func extensionKeysMustBeIRIs() {
        expectRejected(
            withDefinition(["extensions": ["room": "Kilby"]]), code: "extensions.key-invalid", path: "$.object.definition.extensions.room")
    }

    @Test func extensionValuesMayBeAnythingEvenNull() {
        expectAccepted(withDefinition(["extensions": ["http://example.com/null": nil, "http://example.com/o": ["a": [1, nil]]]]))
    }

    @Test func aDefinitionHasNoOtherProperties() {
        expectRejected(withDefinition(["title": ["en": "x"]]), code: "property.unknown", path: "$.object.definition.title")
    }
}
