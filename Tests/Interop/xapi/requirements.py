"""The requirement catalogue: the MUST requirement IDs (XAPI-00001 … XAPI-00336) that the ADL LRS
conformance test suite (adlnet/lrs-conformance-test-suite, test/v1_0_3 and test/v2_0) checks,
numbered as in adlnet/xapi-lrs-conformance-requirements. The rule texts are short paraphrases
written for this catalogue.

Flags:
  both  applies to 1.0.3 and 2.0.0 (for 2.0.0 read "1.0.x" as "2.0.x" where a version is named)
  1.0   applies to 1.0.3 only (the Alternate Request Syntax, removed in 2.0)
  gone  withdrawn by the ADL suite itself ("there is no XAPI-00136", 00137/00138 and 00095 "removed"):
        listed for completeness, not counted

Then come the Kakehashi requirements that sit on top of the spec (the contract of the Kakehashi
LRS issue) and the 2.0.0 additions that the ADL 2.0 suite checks without an XAPI number; they are
reported on their own lines and not counted in M.
"""

from dataclasses import dataclass

_TABLE = """
XAPI-00001|both|Reject (400) a statement with a property whose value is null, except inside extensions (the ADL wording adds empty objects; Data 2.2.s2.b1 makes those a sender's SHOULD NOT, 2.2.s4.b1.b1 has the LRS reject nulls, and the ADL suite tests nulls only: Kakehashi accepts empty objects)
XAPI-00002|both|Keep numbers with at least the precision of an IEEE 754 32-bit float
XAPI-00003|both|Reject (400) a statement without actor
XAPI-00004|both|Reject (400) a statement without verb
XAPI-00005|both|Reject (400) a statement without object
XAPI-00006|both|Reject (400) a statement that uses the wrong JSON data type for a property
XAPI-00007|both|Reject (400) a value that breaks its required format (mailto IRI, UUID, IRI), the empty string included
XAPI-00008|both|Reject (400) a key whose letter case differs from the specification
XAPI-00009|both|Reject (400) an enumerated value whose letter case differs from the specification
XAPI-00010|both|Reject (400) keys or values the specification does not allow
XAPI-00011|both|Reject (400) IRI or IRL values without a scheme
XAPI-00012|both|Reject (400) request parameters that fail the rules for the same type inside statements
XAPI-00013|both|Reject (400) language map keys that are not RFC 5646 tags
XAPI-00014|both|Only well-formed JSON objects are accepted (malformed JSON is rejected)
XAPI-00015|both|Strings are UTF-8: non-ASCII text is stored and returned unchanged
XAPI-00016|both|A voiding statement may not target another voiding statement (Kakehashi: refused)
XAPI-00017|both|Reject (400) a voiding statement whose object is not a StatementRef
XAPI-00018|both|A voided statement is not returned by statementId (404)
XAPI-00019|both|A voiding statement is one whose verb id is http://adlnet.gov/expapi/verbs/voided
XAPI-00020|both|A voiding statement's object has objectType StatementRef
XAPI-00021|both|Reject (400) a statement with a duplicate key in a JSON object
XAPI-00022|both|Reject (400) a statement with an invalid timestamp
XAPI-00023|both|The LRS sets stored to a valid timestamp on receipt
XAPI-00024|both|Reject (400) an authority that is not an Agent or Group
XAPI-00025|both|Reject (400) attachments that is not an array of Attachment objects
XAPI-00026|both|Generate the statement id when none is given
XAPI-00027|both|Reject (400) a statement id that is not a UUID
XAPI-00028|both|Reject (400) a statement id that is not a string
XAPI-00029|both|Reject (400) a UUID that is not in the standard string form
XAPI-00030|both|Reject (400) a UUID that does not follow RFC 4122
XAPI-00031|both|Reject (400) an actor whose objectType is not Agent or Group
XAPI-00032|both|Reject (400) an objectType that is not a valid string
XAPI-00033|both|Reject (400) an agent name that is not a string
XAPI-00034|both|Reject (400) an agent without exactly one IFI (mbox, mbox_sha1sum, openid, account)
XAPI-00035|both|Reject (400) member anywhere but in a group
XAPI-00036|both|Reject (400) a member property that is not an array of valid agents
XAPI-00037|both|Reject (400) a group with more than one IFI, or an anonymous group without members
XAPI-00038|both|Reject (400) an mbox that is not a mailto IRI
XAPI-00039|both|Reject (400) an mbox_sha1sum that is not a valid string (hex SHA-1)
XAPI-00040|both|Reject (400) an openid that is not a URI
XAPI-00041|both|Reject (400) an invalid account object
XAPI-00042|both|Reject (400) an account whose homePage is missing or not an IRL
XAPI-00043|both|Reject (400) an account whose name is missing or not a string
XAPI-00044|both|Reject (400) a verb whose id is missing or not an IRI
XAPI-00045|both|Reject (400) a verb display that is not a language map
XAPI-00046|both|Reject (400) an object objectType other than Activity, Agent, Group, SubStatement, StatementRef
XAPI-00047|both|Reject (400) an activity whose id is missing or not an IRI
XAPI-00048|both|Reject (400) an activity definition that is not a valid object
XAPI-00049|both|Reject (400) an interactionType outside the ten defined values
XAPI-00050|both|Reject (400) a correctResponsesPattern that is not an array of strings
XAPI-00051|both|Reject (400) steps that are not an array of interaction components
XAPI-00052|both|Reject (400) target that is not an array of interaction components
XAPI-00053|both|Reject (400) source that is not an array of interaction components
XAPI-00054|both|Reject (400) scale that is not an array of interaction components
XAPI-00055|both|Reject (400) choices that are not an array of interaction components
XAPI-00056|both|Reject (400) an activity definition name that is not a language map
XAPI-00057|both|Reject (400) activity definition extensions that are not a valid extensions object
XAPI-00058|both|Reject (400) interaction components whose id is missing, repeated in the array, or not a string
XAPI-00059|both|Reject (400) an activity definition description that is not a language map
XAPI-00060|both|Reject (400) an activity definition type that is not an IRI
XAPI-00061|both|Reject (400) an activity definition moreInfo that is not an IRL
XAPI-00062|both|Reject (400) an interaction component description that is not a language map
XAPI-00063|both|Reject (400) an interaction component that is not an object
XAPI-00064|both|Reject (400) a correctResponsesPattern without interactionType
XAPI-00065|both|Reject (400) an Agent or Group object without objectType
XAPI-00066|both|Reject (400) a SubStatement that breaks any statement rule
XAPI-00067|both|Reject (400) a SubStatement with authority
XAPI-00068|both|Reject (400) a SubStatement with version
XAPI-00069|both|Reject (400) a SubStatement with stored
XAPI-00070|both|Reject (400) a SubStatement with id
XAPI-00071|both|Reject (400) a SubStatement inside a SubStatement
XAPI-00072|both|Reject (400) a StatementRef whose id is missing or not a UUID
XAPI-00073|both|Reject (400) a StatementRef or SubStatement object without objectType
XAPI-00074|both|Reject (400) result.success that is not a boolean
XAPI-00075|both|Reject (400) result.completion that is not a boolean
XAPI-00076|both|Reject (400) result.response that is not a string
XAPI-00077|both|Reject (400) result.duration that is not an ISO 8601 duration
XAPI-00078|both|Reject (400) result.extensions that is not an extensions object
XAPI-00079|both|Reject (400) a score that is not an object
XAPI-00080|both|Reject (400) score.max that is not a number or is below min
XAPI-00081|both|Reject (400) score.min that is not a number or is above max
XAPI-00082|both|Reject (400) score.raw that is not a number or lies outside min..max
XAPI-00083|both|Reject (400) score.scaled that is not a number in -1..1
XAPI-00084|both|Reject (400) context.revision when the object is not an Activity
XAPI-00085|both|Reject (400) context.platform when the object is not an Activity
XAPI-00086|both|Reject (400) contextActivities that is not an object
XAPI-00087|both|Reject (400) a registration that is not a UUID, or an instructor that is not an Agent (the ADL list uses this number twice)
XAPI-00088|both|Reject (400) a team that is not a Group
XAPI-00089|both|Reject (400) a revision that is not a string
XAPI-00090|both|Reject (400) a platform that is not a string
XAPI-00091|both|Reject (400) a context language that is not an RFC 5646 tag
XAPI-00092|both|Reject (400) context.statement that is not a StatementRef
XAPI-00093|both|Reject (400) contextActivities keys other than parent, grouping, category, other
XAPI-00094|both|Reject (400) contextActivities values that are not activities
XAPI-00095|gone|Reject an empty contextActivities object (removed by the ADL suite "per 02/08/2017 spec call")
XAPI-00096|both|Context activities come back as arrays even when one object was sent
XAPI-00097|both|The LRS assigns stored on receipt
XAPI-00098|both|Reject (400) a group authority that does not have exactly two agents
XAPI-00099|both|The LRS fills in authority when the statement has none
XAPI-00100|both|Reject (400) a group authority with more than two agents
XAPI-00101|both|Reject (400) a statement version other than 1.0 or 1.0.x (2.0: 2.0.x)
XAPI-00102|both|Reject (400) an attachment whose length is missing or not an integer
XAPI-00103|both|Reject (400) an attachment whose sha2 is missing or not a valid hash
XAPI-00104|both|Reject (400) an attachment fileUrl that is not an IRL
XAPI-00105|both|Reject (400) an attachment whose contentType is missing or not a media type
XAPI-00106|both|Reject (400) an attachment whose display is missing or not a language map
XAPI-00107|both|Reject (400) an attachment whose usageType is missing or not an IRI
XAPI-00108|both|A non-empty more IRL returns the next page of the same query
XAPI-00109|both|more is empty (or absent) once every result was returned
XAPI-00110|both|statements is an array of statements
XAPI-00111|both|A more page has the same form: one statements and one more property
XAPI-00112|both|A query without results is not rejected (duplicate of XAPI-00149)
XAPI-00113|both|A GET returns one statements and one more property; more is present when results remain
XAPI-00114|both|Paged results give a container for every further page
XAPI-00115|both|A signature attachment must carry a JWS (application/octet-stream), else 400
XAPI-00116|both|Reject (400) a signed statement whose JWS payload is not the statement
XAPI-00117|both|Reject (400) a JWS not signed with RS256, RS384 or RS512
XAPI-00118|both|Reject (400) an extension key that is not an IRI
XAPI-00119|both|Accept any extension value, null, "" and {} included
XAPI-00120|both|Reject (400) extensions that are not key/value pairs (an object)
XAPI-00121|both|Reject (400) a language map key that is not RFC 5646
XAPI-00122|both|Keep timestamp precision to at least milliseconds
XAPI-00123|both|Reject (400) a timestamp that is not ISO 8601 (RFC 3339 in 2.0; -00:00 offsets refused)
XAPI-00124|both|Reject (400) a duration that is not an ISO 8601 duration
XAPI-00125|both|HEAD answers as GET would, without a body
XAPI-00126|both|HEAD requests are accepted
XAPI-00127|both|Reject (400) a PUT/POST whose Content-Type is not application/json or multipart/mixed
XAPI-00128|both|Reject (400) extra multipart parts that are not attachments of the statements
XAPI-00129|both|Reject (400) a request missing the part of an attachment that has no fileUrl
XAPI-00130|both|Reject (400) a multipart body without a boundary before each part
XAPI-00131|both|Reject (400) multipart/mixed without a boundary parameter
XAPI-00132|both|Reject (400) a part without an X-Experience-API-Hash matching a sha2 of the statements
XAPI-00133|both|Reject (400) multipart requests whose statements are not all in the first part
XAPI-00134|both|Reject (400) multipart requests whose first part is not application/json
XAPI-00135|both|Reject (400) attachment parts without Content-Transfer-Encoding: binary
XAPI-00136|gone|(no such requirement; listed by the ADL suite as nonexistent)
XAPI-00137|gone|MIME-Version body header (removed from the ADL suite)
XAPI-00138|gone|Content-Type multipart/mixed body header (removed from the ADL suite)
XAPI-00139|both|The Statement resource is at base + /statements
XAPI-00140|both|The Statement, State, Agents, Activities and both Profile resources exist
XAPI-00141|both|Document id lists honour since
XAPI-00142|both|A statement id already stored is never modified by a later request
XAPI-00143|both|A valid PUT of a statement answers 204 No Content
XAPI-00144|both|PUT of a statement is accepted with a statementId parameter
XAPI-00145|both|PUT of a statement without statementId is rejected (400)
XAPI-00146|both|POST answers 200 with the array of statement ids
XAPI-00147|both|POST of statements is accepted
XAPI-00148|1.0|A POST with ?method=GET (alternate syntax) answers 200 with a StatementResult
XAPI-00149|both|A query without results answers 200 with an empty statements array
XAPI-00150|both|Reject (400) voidedStatementId with parameters other than attachments and format
XAPI-00151|both|Reject (400) statementId with parameters other than attachments and format
XAPI-00152|both|X-Experience-API-Consistent-Through is not before any returned stored value
XAPI-00153|both|Statement GETs carry X-Experience-API-Consistent-Through, whatever the status
XAPI-00154|both|A GET without statementId/voidedStatementId answers 200 with a StatementResult
XAPI-00155|both|GET with voidedStatementId answers 200 with that statement
XAPI-00156|both|GET with statementId answers 200 with that statement
XAPI-00157|both|voidedStatementId is a supported parameter
XAPI-00158|both|statementId is a supported parameter
XAPI-00159|both|GET on statements is accepted
XAPI-00160|both|X-Experience-API-Consistent-Through is an ISO 8601 date-time
XAPI-00161|both|attachments=false (or absent) answers application/json only
XAPI-00162|both|Statements targeting a voided statement are still returned by queries
XAPI-00163|both|A voided statement is returned only through voidedStatementId
XAPI-00164|both|Returned statements match the query's filters
XAPI-00165|both|Statement GET responses have a Content-Type header
XAPI-00166|both|ascending=true orders by stored, oldest first
XAPI-00167|both|attachments=true answers multipart/mixed with the attachment contents
XAPI-00168|both|format defaults to exact
XAPI-00169|both|format=canonical returns one language per language map
XAPI-00170|both|format=exact returns agents, activities, verbs and groups as received
XAPI-00171|both|format=ids returns only identifiers of agents, activities, verbs and groups
XAPI-00172|both|format=canonical chooses the language from Accept-Language
XAPI-00173|both|limit caps the number of returned statements
XAPI-00174|both|until returns statements stored at or before it
XAPI-00175|both|since returns statements stored after it
XAPI-00176|both|related_agents=true widens agent matching to object, authority, context and sub-statements
XAPI-00177|both|related_activities=true widens activity matching to context activities and sub-statements
XAPI-00178|both|registration filters on context.registration
XAPI-00179|both|activity filters on the object activity id
XAPI-00180|both|verb filters on verb id
XAPI-00181|both|agent filters on actor (or object) IFI
XAPI-00182|both|A rejected request changes nothing that is stored
XAPI-00183|both|A document merge replaces only top-level properties (objects are replaced whole)
XAPI-00184|both|A document merge takes the new value of a repeated property
XAPI-00185|both|A document merge writes one re-serialized document
XAPI-00186|both|A document merge parses both documents before changing anything
XAPI-00187|both|State DELETE answers 204
XAPI-00188|both|State GET answers 200 with the document
XAPI-00189|both|State POST answers 204
XAPI-00190|both|State PUT answers 204
XAPI-00191|both|State DELETE with stateId deletes that document (204)
XAPI-00192|both|State GET with stateId returns that document (200)
XAPI-00193|both|State GET without stateId returns the array of stateIds (200)
XAPI-00194|both|State DELETE without stateId deletes every matching document (204)
XAPI-00195|both|State id lists contain only documents stored after since
XAPI-00196|both|State DELETE with an agent that is not JSON: 400
XAPI-00197|both|State GET with an agent that is not JSON: 400
XAPI-00198|both|State POST with an agent that is not JSON: 400
XAPI-00199|both|State PUT with an agent that is not JSON: 400
XAPI-00200|both|State DELETE with a registration that is not a UUID: 400
XAPI-00201|both|State GET with a registration that is not a UUID: 400
XAPI-00202|both|State POST with a registration that is not a UUID: 400
XAPI-00203|both|State PUT with a registration that is not a UUID: 400
XAPI-00204|both|State GET with since that is not a timestamp: 400
XAPI-00205|both|State DELETE with since that is not a timestamp: 400
XAPI-00206|both|State PUT without stateId: 400
XAPI-00207|both|State DELETE without activityId: 400
XAPI-00208|both|State GET without activityId: 400
XAPI-00209|both|State POST without activityId: 400
XAPI-00210|both|State PUT without activityId: 400
XAPI-00211|both|State POST without stateId: 400
XAPI-00212|both|State DELETE without agent: 400
XAPI-00213|both|State GET without agent: 400
XAPI-00214|both|State POST without agent: 400
XAPI-00215|both|State PUT without agent: 400
XAPI-00216|both|State DELETE accepts stateId
XAPI-00217|both|State GET accepts stateId
XAPI-00218|both|State PUT accepts registration
XAPI-00219|both|State DELETE accepts registration
XAPI-00220|both|State GET accepts registration
XAPI-00221|both|State GET accepts since and returns the documents stored after it
XAPI-00222|both|State id lists with since refer only to documents stored after it
XAPI-00223|both|State DELETE accepts since
XAPI-00224|both|State DELETE with a stateId that is not a string: 400
XAPI-00225|both|State GET with a stateId that is not a string: 400
XAPI-00226|both|State POST with a stateId that is not a string: 400
XAPI-00227|both|State POST accepts registration
XAPI-00228|both|State PUT with a stateId that is not a string: 400
XAPI-00229|both|State POST is rejected when either document is not a JSON object
XAPI-00230|both|The State resource is at base + /activities/state
XAPI-00231|both|State POST is accepted
XAPI-00232|both|State POST is rejected (400) when either document is not application/json
XAPI-00233|both|State POST of a new document stores it like a PUT (204)
XAPI-00234|both|State POST of JSON onto JSON merges the documents (204)
XAPI-00235|both|State POST of invalid JSON with Content-Type application/json: 400
XAPI-00236|both|Agents GET answers 200 with a Person object
XAPI-00237|both|Person objectType is "Person"
XAPI-00238|both|Person name is an array of strings
XAPI-00239|both|Person mbox is an array of IRIs
XAPI-00240|both|Person mbox_sha1sum is an array of strings
XAPI-00241|both|Person openid is an array of strings
XAPI-00242|both|Person account is an array of account objects
XAPI-00243|both|Agents GET without agent: 400
XAPI-00244|both|Person mbox entries have the form mailto:address
XAPI-00245|both|The Agents resource is at base + /agents
XAPI-00246|both|Agents GET returns a Person whose properties are arrays
XAPI-00247|both|With nothing else known, the Person holds just the requested agent's data
XAPI-00248|both|Agents GET answers 200 with a Person matching the agent parameter
XAPI-00249|both|Agents GET with an agent that is not a valid Agent: 400
XAPI-00250|both|Activities GET without activityId: 400
XAPI-00251|both|Activities GET answers 200 with the complete Activity object
XAPI-00252|both|The Activities resource is at base + /activities
XAPI-00253|both|Activities GET is accepted
XAPI-00254|both|The Activity object merges what all statements said of the activity (e.g. two languages)
XAPI-00255|both|Agent profile DELETE with an agent that is not an Agent: 400
XAPI-00256|both|Agent profile POST with an agent that is not an Agent: 400
XAPI-00257|both|Agent profile PUT with an agent that is not an Agent: 400
XAPI-00258|both|Agent profile GET with an agent that is not an Agent: 400
XAPI-00259|both|Agent profile GET with a valid agent answers 200 with the profile
XAPI-00260|both|Agent profile GET with since that is not a timestamp: 400
XAPI-00261|both|Agent profile GET without agent: 400
XAPI-00262|both|Agent profile DELETE without agent: 400
XAPI-00263|both|Agent profile POST without agent: 400
XAPI-00264|both|Agent profile PUT without agent: 400
XAPI-00265|both|Agent profile DELETE without profileId: 400
XAPI-00266|both|Agent profile POST without profileId: 400
XAPI-00267|both|Agent profile PUT without profileId: 400
XAPI-00268|both|Agent profile GET accepts since and returns the profiles stored after it
XAPI-00269|both|Agent profile GET with profileId returns that document (200)
XAPI-00270|both|Agent profile GET without profileId returns the array of profileIds (200)
XAPI-00271|both|Agent profile DELETE deletes the profile (204)
XAPI-00272|both|Agent profile POST answers 204
XAPI-00273|both|Agent profile PUT answers 204
XAPI-00274|both|Agent profile GET is accepted (200 with the document)
XAPI-00275|both|Agent profile id lists with since refer only to documents stored after it
XAPI-00276|both|Agent profile POST with a profileId that is not a string: 400
XAPI-00277|both|Agent profile PUT with a profileId that is not a string: 400
XAPI-00278|both|Agent profile POST is rejected (400) when either document is not application/json
XAPI-00279|both|Agent profile POST of JSON onto JSON merges the documents (204)
XAPI-00280|both|Agent profile POST of a new document stores it like a PUT (204)
XAPI-00281|both|Agent profile POST is rejected when either document is not a JSON object
XAPI-00282|both|The Agent Profile resource is at base + /agents/profile
XAPI-00283|both|Agent profile POST is accepted
XAPI-00284|both|Agent profile POST of invalid JSON with Content-Type application/json: 400
XAPI-00285|both|Activity profile DELETE deletes the profile (204)
XAPI-00286|both|Activity profile POST answers 204
XAPI-00287|both|Activity profile PUT answers 204
XAPI-00288|both|Activity profile GET with profileId returns that document (200)
XAPI-00289|both|Activity profile GET without profileId returns the array of profileIds (200)
XAPI-00290|both|Activity profile GET is accepted
XAPI-00291|both|Activity profile DELETE is accepted
XAPI-00292|both|Activity profile POST is accepted
XAPI-00293|both|Activity profile PUT is accepted
XAPI-00294|both|Activity profile id lists with since refer only to documents stored after it
XAPI-00295|both|Activity profile GET with since that is not a timestamp: 400
XAPI-00296|both|Activity profile GET without activityId: 400
XAPI-00297|both|Activity profile DELETE without activityId: 400
XAPI-00298|both|Activity profile POST without activityId: 400
XAPI-00299|both|Activity profile PUT without activityId: 400
XAPI-00300|both|Activity profile DELETE without profileId: 400
XAPI-00301|both|Activity profile POST without profileId: 400
XAPI-00302|both|Activity profile PUT without profileId: 400
XAPI-00303|both|Activity profile GET accepts since and returns the profiles stored after it
XAPI-00304|both|Activity profile GET with an agent parameter that is not JSON: 400
XAPI-00305|both|Activity profile DELETE with a profileId that is not a string: 400
XAPI-00306|both|Activity profile POST with a profileId that is not a string: 400
XAPI-00307|both|Activity profile PUT with a profileId that is not a string: 400
XAPI-00308|both|Activity profile POST of JSON onto JSON merges the documents (204)
XAPI-00309|both|Activity profile POST is rejected (400) when either document is not application/json
XAPI-00310|both|Activity profile POST of a new document stores it like a PUT (204)
XAPI-00311|both|The Activity Profile resource is at base + /activities/profile
XAPI-00312|both|Activity profile POST is accepted
XAPI-00313|both|Activity profile POST is rejected when either document is not a JSON object
XAPI-00314|both|Activity profile POST of invalid JSON with Content-Type application/json: 400
XAPI-00315|both|The About resource is at base + /about
XAPI-00316|both|About version holds only 0.9, 0.95, 1.0.x (and 2.0.0) values
XAPI-00317|both|About version holds at least one 1.0.x value (2.0: 2.0.0)
XAPI-00318|both|About version is an array of strings
XAPI-00319|both|About GET answers 200 with a version property
XAPI-00320|both|About may return an extensions object
XAPI-00321|both|Requests without X-Experience-API-Version are rejected (400), except to About
XAPI-00322|both|Document resources support ETags for optimistic concurrency (If-Match, If-None-Match, 409, 412)
XAPI-00323|both|Statements are rejected only with the specification's error codes
XAPI-00324|both|Reject (400) unknown request parameters
XAPI-00325|both|Reject (400) parameters whose letter case differs
XAPI-00326|both|A batch with one bad statement is rejected whole (400), nothing stored
XAPI-00327|both|Valid credentials without sufficient permission: 403
XAPI-00328|both|A statement over the configured size limit: 413
XAPI-00329|both|A failure of the LRS itself: 500
XAPI-00330|both|Statements are not converted to an older version's form
XAPI-00331|both|Reject (400) an X-Experience-API-Version other than 1.0 / 1.0.x (or 2.0.x), except to About
XAPI-00332|both|Returned statements keep the version they were accepted with
XAPI-00333|both|Responses carry X-Experience-API-Version with the latest patch version
XAPI-00334|both|Missing or bad credentials: 401
XAPI-00335|both|HTTP Basic authentication is supported
XAPI-00336|1.0|The Alternate Request Syntax is supported
"""

_EXTRA = """
KAKEHASHI-ERROR-PATH|kakehashi|Validation errors are 4xx with a body naming the JSON path of the problem (e.g. $.actor.mbox)
KAKEHASHI-TENANT|kakehashi|Statements and documents are scoped per tenant: another tenant's credentials see nothing of them
KAKEHASHI-VERSION-HEADER|kakehashi|X-Experience-API-Version is on every response, errors included
KAKEHASHI-VOID-VOIDING|kakehashi|A statement voiding a voiding statement is refused (4xx) and changes nothing
KAKEHASHI-CORS|kakehashi|/xapi/ answers CORS preflights and lets browser content read its answers (Authorization, version and precondition headers allowed; ETag, Last-Modified, Consistent-Through and version exposed); the pages never do
KAKEHASHI-STATEMENTREF-FILTER|kakehashi|Queries also return statements whose StatementRef (directly or through further StatementRefs) targets a statement matching the filters; since, until and paging apply to them (Communication 2.1.3 Filter Conditions for StatementRefs)
KAKEHASHI-CANONICAL-DEFINITIONS|kakehashi|format=canonical shows the LRS's canonical Activity definition (all statements' definitions combined), one language per map by Accept-Language
KAKEHASHI-SCOPES|kakehashi|Credentials limited to xAPI scopes (Communication 4.2): each scope opens its resources only; statements/read/mine reads only the credential's own statements; state and profile alone reach only the documents the credential wrote
XAPI2-CONTEXT-AGENTS|2.0|context.contextAgents: array of contextAgent objects (objectType, valid agent, non-empty relevantTypes of IRIs)
XAPI2-CONTEXT-GROUPS|2.0|context.contextGroups: array of contextGroup objects (objectType, valid group, non-empty relevantTypes of IRIs)
XAPI2-RFC3339|2.0|Timestamps follow RFC 3339 (a space between date and time is allowed; -00:00 offsets are refused)
XAPI2-LAST-MODIFIED|2.0|Document GETs carry Last-Modified
XAPI2-NO-ALT-SYNTAX|2.0|The Alternate Request Syntax (?method=) is refused with a 4xx
XAPI2-STATE-CONCURRENCY|2.0|The State resource, too, answers 409 to a PUT without If-Match/If-None-Match on an existing document, and honours If-Match on POST and DELETE
XAPI2-VERSION|2.0|Statements with version 2.0.0 are accepted and keep it
"""


@dataclass(frozen=True)
class Requirement:
    id: str
    scope: str  # both | 1.0 | gone | kakehashi | 2.0
    text: str

    @property
    def counted(self):
        return self.scope in ("both", "1.0")

    def applies_to(self, version):
        if self.scope == "both":
            return True
        if self.scope == "1.0":
            return version.startswith("1.")
        if self.scope == "2.0":
            return version.startswith("2.")
        return False


def _parse(table):
    out = {}
    for line in table.strip().splitlines():
        rid, scope, text = line.split("|", 2)
        assert rid not in out, f"{rid} twice in the catalogue"
        out[rid] = Requirement(rid, scope, text)
    return out


CATALOGUE = _parse(_TABLE)
EXTRA = _parse(_EXTRA)
ALL = {**CATALOGUE, **EXTRA}

# M: the ADL MUST requirements counted for 1.0.3 and for 2.0.0.
COUNTED_1_0_3 = sorted(r.id for r in CATALOGUE.values() if r.counted)
COUNTED_2_0_0 = sorted(r.id for r in CATALOGUE.values() if r.scope == "both")
