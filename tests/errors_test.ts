/**
 * Unit tests of lib/errors.ts: the hierarchy, the parsing of error bodies
 * (every row of the reference's table 7.5, plus this port's OAuth 2 mapping)
 * and the one-line summary in `message`.
 */

import assert from "node:assert/strict";
import {
  type APIErrorInit,
  AuthAPIError,
  GlobusAPIError,
  GlobusConnectionError,
  GlobusError,
  GlobusSDKUsageError,
  GlobusTimeoutError,
  GroupsAPIError,
  NetworkError,
  RefreshTokenRejectedError,
  TokenStorageError,
} from "../lib/core/errors.ts";

const GROUP_URL = "https://groups.api.globus.org/v2/groups/x";
const TOKEN_URL = "https://auth.globus.org/v2/oauth2/token";

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  422: "Unprocessable Entity",
  500: "Internal Server Error",
  502: "Bad Gateway",
};

function init(
  status: number,
  text: string,
  contentType = "application/json",
  overrides: Partial<APIErrorInit> = {},
): APIErrorInit {
  return {
    method: "GET",
    url: GROUP_URL,
    httpStatus: status,
    httpReason: REASONS[status] ?? "",
    headers: new Headers({ "content-type": contentType }),
    text,
    ...overrides,
  };
}

// ---- hierarchy ---------------------------------------------------------------------

Deno.test("The error classes form the documented hierarchy and carry their own names", () => {
  const api = new GroupsAPIError(init(404, ""));
  assert.ok(api instanceof GlobusAPIError && api instanceof GlobusError && api instanceof Error);
  const auth = new AuthAPIError(init(400, ""));
  assert.ok(auth instanceof GlobusAPIError);
  assert.ok(!(auth instanceof GroupsAPIError));
  assert.ok(new GlobusTimeoutError("t") instanceof NetworkError);
  assert.ok(new GlobusConnectionError("c") instanceof NetworkError);
  assert.ok(new NetworkError("n") instanceof GlobusError);
  assert.ok(new GlobusSDKUsageError("u") instanceof GlobusError);
  assert.ok(new TokenStorageError("/p", "x") instanceof GlobusError);
  assert.deepEqual(
    [
      new GlobusError("a"),
      new GlobusSDKUsageError("a"),
      api,
      auth,
      new NetworkError("a"),
      new GlobusTimeoutError("a"),
      new GlobusConnectionError("a"),
      new TokenStorageError("/p", "a"),
    ].map((e) => e.name),
    [
      "GlobusError",
      "GlobusSDKUsageError",
      "GroupsAPIError",
      "AuthAPIError",
      "NetworkError",
      "GlobusTimeoutError",
      "GlobusConnectionError",
      "TokenStorageError",
    ],
  );
});

Deno.test("NetworkError keeps the cause it was given", () => {
  const cause = new TypeError("fetch failed");
  const err = new GlobusConnectionError("GET x failed: refused", { cause });
  assert.equal(err.cause, cause);
  assert.equal(err.message, "GET x failed: refused");
});

Deno.test("TokenStorageError's message is 'token file <path>: <problem>' and path is kept", () => {
  const err = new TokenStorageError("/home/me/tokens.json", "not valid JSON");
  assert.equal(err.message, "token file /home/me/tokens.json: not valid JSON");
  assert.equal(err.path, "/home/me/tokens.json");
});

// ---- table 7.5 ----------------------------------------------------------------------------

Deno.test("GlobusAPIError parses a Type Zero body: 404 GroupNotFound / Group not found / rid-123", () => {
  const text = '{"code":"GroupNotFound","message":"Group not found","request_id":"rid-123"}';
  const err = new GroupsAPIError(init(404, text));
  assert.equal(err.httpStatus, 404);
  assert.equal(err.httpReason, "Not Found");
  assert.equal(err.code, "GroupNotFound");
  assert.equal(err.apiMessage, "Group not found");
  assert.deepEqual(err.messages, ["Group not found"]);
  assert.equal(err.requestId, "rid-123");
  assert.deepEqual(err.rawJson, JSON.parse(text));
  assert.equal(err.text, text);
  assert.equal(err.method, "GET");
  assert.equal(err.url, GROUP_URL);
  assert.deepEqual(err.errors, [{
    raw: JSON.parse(text),
    code: "GroupNotFound",
    message: "Group not found",
  }]);
  assert.equal(
    err.message,
    `GET ${GROUP_URL} 404 GroupNotFound: Group not found (request_id=rid-123)`,
  );
});

Deno.test("GlobusAPIError parses Type Zero with sub-errors: code BadRequest, message from the root only", () => {
  const body = {
    code: "BadRequest",
    message: "bad",
    errors: [{ code: "A", message: "ma" }, { code: "B", detail: "db" }],
  };
  const err = new GroupsAPIError(init(400, JSON.stringify(body)));
  assert.equal(err.code, "BadRequest");
  assert.equal(err.apiMessage, "bad");
  assert.deepEqual(err.messages, ["bad"]);
  assert.equal(err.requestId, undefined);
  assert.deepEqual(err.errors.map((e) => [e.code, e.message]), [["A", "ma"], ["B", "db"]]);
  assert.equal(err.message, `GET ${GROUP_URL} 400 BadRequest: bad`);
});

Deno.test("GlobusAPIError parses JSON:API with one code: 409 Conflict / 'thing exists; second'", () => {
  const body = {
    errors: [
      { code: "Conflict", detail: "thing exists", title: "Conflict" },
      { code: "Conflict", title: "second" },
    ],
  };
  const err = new GroupsAPIError(init(409, JSON.stringify(body), "application/vnd.api+json"));
  assert.equal(err.code, "Conflict");
  assert.equal(err.apiMessage, "thing exists; second");
  assert.deepEqual(err.messages, ["thing exists", "second"]);
  assert.equal(err.requestId, undefined);
  assert.equal(err.errors.length, 2);
  assert.equal(err.message, `GET ${GROUP_URL} 409 Conflict: thing exists; second`);
});

Deno.test("GlobusAPIError parses JSON:API with codes A and B: no code, message 'd1; d2'", () => {
  const body = { errors: [{ code: "A", detail: "d1" }, { code: "B", detail: "d2" }] };
  const err = new GroupsAPIError(init(409, JSON.stringify(body), "application/vnd.api+json"));
  assert.equal(err.code, undefined);
  assert.equal(err.apiMessage, "d1; d2");
  assert.equal(err.requestId, undefined);
  assert.equal(err.message, `GET ${GROUP_URL} 409 d1; d2`);
});

Deno.test("JSON:API sub-errors take their message from detail, then title, and never from message", () => {
  const body = { errors: [{ message: "ignored", title: "t1" }, { message: "also ignored" }] };
  const err = new GroupsAPIError(init(400, JSON.stringify(body), "application/vnd.api+json"));
  assert.deepEqual(err.messages, ["t1"]);
  assert.deepEqual(err.errors.map((e) => e.message), ["t1", undefined]);
});

const UNKNOWN_PARAM = JSON.stringify({
  errors: [{
    id: "eid-1",
    code: "UNKNOWN_PARAM",
    detail: "unknown 'foo'",
    title: "Unknown parameter",
    status: "400",
  }],
  error: "invalid_request",
});

Deno.test("GroupsAPIError parses an Auth-style errors list: UNKNOWN_PARAM / unknown 'foo' / no request id", () => {
  const err = new GroupsAPIError(init(400, UNKNOWN_PARAM));
  assert.equal(err.code, "UNKNOWN_PARAM");
  assert.equal(err.apiMessage, "unknown 'foo'");
  assert.equal(err.requestId, undefined);
});

Deno.test("AuthAPIError takes the request id eid-1 from the sub-error's id", () => {
  const err = new AuthAPIError(
    init(400, UNKNOWN_PARAM, "application/json", { method: "POST", url: TOKEN_URL }),
  );
  assert.equal(err.code, "UNKNOWN_PARAM");
  assert.equal(err.apiMessage, "unknown 'foo'");
  assert.equal(err.requestId, "eid-1");
  assert.equal(
    err.message,
    `POST ${TOKEN_URL} 400 UNKNOWN_PARAM: unknown 'foo' (request_id=eid-1)`,
  );
});

Deno.test("AuthAPIError maps the OAuth 2 body {error: invalid_grant} to code invalid_grant, no message (port's W21 fix)", () => {
  const err = new AuthAPIError(
    init(401, '{"error":"invalid_grant"}', "application/json", { method: "POST", url: TOKEN_URL }),
  );
  assert.equal(err.code, "invalid_grant");
  assert.equal(err.apiMessage, undefined);
  assert.deepEqual(err.messages, []);
  assert.equal(err.requestId, undefined);
  assert.equal(err.message, `POST ${TOKEN_URL} 401 invalid_grant`);
});

Deno.test("AuthAPIError maps error_description to apiMessage", () => {
  const err = new AuthAPIError(init(
    400,
    '{"error":"invalid_client","error_description":"Invalid client credentials"}',
    "application/json",
    { method: "POST", url: TOKEN_URL },
  ));
  assert.equal(err.code, "invalid_client");
  assert.equal(err.apiMessage, "Invalid client credentials");
  assert.equal(err.message, `POST ${TOKEN_URL} 400 invalid_client: Invalid client credentials`);
});

Deno.test("GlobusAPIError prefers a sub-error code and message over OAuth's error and error_description", () => {
  const body = { errors: [{ code: "X", detail: "dx" }], error: "e", "error_description": "ed" };
  const err = new GlobusAPIError(init(400, JSON.stringify(body)));
  assert.equal(err.code, "X");
  assert.deepEqual(err.messages, ["dx"]);
});

Deno.test("GlobusAPIError parses {detail: validation failed} (422): no code, message 'validation failed'", () => {
  const err = new GroupsAPIError(init(422, '{"detail":"validation failed"}'));
  assert.equal(err.code, undefined);
  assert.equal(err.apiMessage, "validation failed");
  assert.equal(err.requestId, undefined);
  assert.equal(err.message, `GET ${GROUP_URL} 422 validation failed`);
});

Deno.test("GlobusAPIError leaves an HTML 502 unparsed: rawJson undefined, summary uses the reason phrase", () => {
  const text = "<html><body>Bad Gateway</body></html>";
  const err = new GroupsAPIError(init(502, text, "text/html"));
  assert.equal(err.rawJson, undefined);
  assert.equal(err.code, undefined);
  assert.equal(err.apiMessage, undefined);
  assert.deepEqual(err.messages, []);
  assert.deepEqual(err.errors, []);
  assert.equal(err.requestId, undefined);
  assert.equal(err.text, text);
  assert.equal(err.message, `GET ${GROUP_URL} 502 Bad Gateway`);
});

Deno.test("GlobusAPIError survives invalid JSON declared as JSON (500 '{not json')", () => {
  const err = new GroupsAPIError(init(500, "{not json"));
  assert.equal(err.rawJson, undefined);
  assert.equal(err.code, undefined);
  assert.equal(err.apiMessage, undefined);
  assert.equal(err.requestId, undefined);
  assert.equal(err.message, `GET ${GROUP_URL} 500 Internal Server Error`);
});

Deno.test("GlobusAPIError keeps a JSON array body as rawJson but parses nothing from it (403 [1,2])", () => {
  const err = new GroupsAPIError(init(403, "[1,2]"));
  assert.deepEqual(err.rawJson, [1, 2]);
  assert.equal(err.code, undefined);
  assert.equal(err.apiMessage, undefined);
  assert.deepEqual(err.errors, []);
  assert.equal(err.message, `GET ${GROUP_URL} 403 Forbidden`);
});

Deno.test("GlobusAPIError ignores a numeric code ({code: 5, message: 'numeric code'} → no code, that message)", () => {
  const err = new GroupsAPIError(init(400, '{"code":5,"message":"numeric code"}'));
  assert.equal(err.code, undefined);
  assert.equal(err.apiMessage, "numeric code");
  assert.equal(err.requestId, undefined);
  assert.equal(err.message, `GET ${GROUP_URL} 400 numeric code`);
});

// ---- further parsing rules -------------------------------------------------------------------

Deno.test("GlobusAPIError reads JSON for application/*+json and a charset parameter, and not for text/plain", () => {
  const body = '{"code":"C","message":"m"}';
  assert.equal(new GlobusAPIError(init(400, body, "application/problem+json")).code, "C");
  assert.equal(new GlobusAPIError(init(400, body, "Application/JSON; charset=utf-8")).code, "C");
  const plain = new GlobusAPIError(init(400, body, "text/plain"));
  assert.equal(plain.rawJson, undefined);
  assert.equal(plain.code, undefined);
  const none = new GlobusAPIError({ ...init(400, body), headers: new Headers() });
  assert.equal(none.rawJson, undefined);
});

Deno.test("A JSON:API content type with an empty errors list falls back to the undefined format", () => {
  const body = { errors: [], code: "Root", detail: "root detail" };
  const err = new GlobusAPIError(init(400, JSON.stringify(body), "application/vnd.api+json"));
  assert.equal(err.code, "Root");
  assert.deepEqual(err.messages, ["root detail"]);
  assert.deepEqual(err.errors, []);
});

Deno.test("An empty errors list stays empty (as in Python) and the messages come from the root", () => {
  const err = new AuthAPIError(init(400, '{"errors":[],"id":"root-id","message":"from root"}'));
  assert.deepEqual(err.errors, []);
  assert.deepEqual(err.messages, ["from root"]);
  // Python's hook looks at the sub-errors only: none here.
  assert.equal(err.requestId, undefined);
});

Deno.test("Type Zero with a non-string request_id is parsed as the undefined format", () => {
  const err = new GlobusAPIError(init(400, '{"code":"C","message":"m","request_id":7}'));
  assert.equal(err.code, "C");
  assert.deepEqual(err.messages, ["m"]);
  assert.equal(err.requestId, undefined);
});

Deno.test("Undefined format: codes from sub-errors when the root has none, messages from every sub-error", () => {
  const body = {
    errors: [{ code: "same", message: "m1" }, { code: "same", title: "t2" }, { x: 1 }],
  };
  const err = new GlobusAPIError(init(400, JSON.stringify(body)));
  assert.equal(err.code, "same");
  assert.deepEqual(err.messages, ["m1", "t2"]);
  assert.equal(err.apiMessage, "m1; t2");
});

Deno.test("Undefined format: an errors value that is not a list of objects makes the root the only sub-error", () => {
  const body = { errors: ["a", "b"], title: "root title" };
  const err = new GlobusAPIError(init(400, JSON.stringify(body)));
  assert.deepEqual(err.errors, [{ raw: body, code: undefined, message: "root title" }]);
  assert.deepEqual(err.messages, ["root title"]);
});

Deno.test("AuthAPIError uses a sub-error id repeated on every sub-error, and ignores null ids", () => {
  const body = { errors: [{ id: "foo", detail: "a" }, { id: "foo", detail: "b" }, { id: null }] };
  const err = new AuthAPIError(init(400, JSON.stringify(body)));
  assert.equal(err.requestId, "foo");
});

Deno.test("AuthAPIError takes no request id from sub-errors with different ids, or a non-string id beside a string one", () => {
  const two = { errors: [{ id: "foo" }, { id: "bar" }] };
  assert.equal(new AuthAPIError(init(400, JSON.stringify(two))).requestId, undefined);
  const mixed = { errors: [{ id: "foo" }, { id: 5 }] };
  assert.equal(new AuthAPIError(init(400, JSON.stringify(mixed))).requestId, undefined);
  const numeric = { errors: [{ id: 5 }] };
  assert.equal(new AuthAPIError(init(400, JSON.stringify(numeric))).requestId, undefined);
});

Deno.test("AuthAPIError: a single sub-error id wins over the root request_id, as Python's post-parse hook", () => {
  const body = { code: "C", message: "m", "request_id": "root-rid", errors: [{ id: "sub-id" }] };
  assert.equal(new AuthAPIError(init(400, JSON.stringify(body))).requestId, "sub-id");
  // The base class has no such hook.
  assert.equal(new GroupsAPIError(init(400, JSON.stringify(body))).requestId, "root-rid");
});

Deno.test("The summary falls back to the status alone when there is no code, message or reason", () => {
  const err = new GlobusAPIError({ ...init(418, ""), httpReason: "" });
  assert.equal(err.message, `GET ${GROUP_URL} 418`);
});

Deno.test("authorizationParameters returns the object from the body, or undefined", () => {
  const params = { "session_message": "please", "session_required_identities": ["id1"] };
  const body = { code: "AuthenticationFailed", message: "x", "authorization_parameters": params };
  assert.deepEqual(
    new GlobusAPIError(init(401, JSON.stringify(body))).authorizationParameters,
    params,
  );
  const notObject = { "authorization_parameters": "nope" };
  assert.equal(
    new GlobusAPIError(init(401, JSON.stringify(notObject))).authorizationParameters,
    undefined,
  );
  assert.equal(new GlobusAPIError(init(401, "[]")).authorizationParameters, undefined);
});

Deno.test("RefreshTokenRejectedError wraps the invalid_grant answer with a log-in-again message", () => {
  const rejection = new AuthAPIError(init(
    400,
    '{"error":"invalid_grant","errors":[{"id":"e-1"}]}',
    "application/json",
    { method: "POST", url: TOKEN_URL },
  ));
  const err = new RefreshTokenRejectedError(rejection);
  assert.ok(err instanceof AuthAPIError);
  assert.equal(err.name, "RefreshTokenRejectedError");
  assert.equal(err.cause, rejection);
  assert.equal(err.code, "invalid_grant");
  assert.equal(err.httpStatus, 400);
  assert.equal(err.requestId, "e-1");
  assert.equal(err.url, TOKEN_URL);
  assert.equal(
    err.message,
    "the stored Globus login has expired or been revoked (Globus Auth answered invalid_grant); log in again",
  );
});
