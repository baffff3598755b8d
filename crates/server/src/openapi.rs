//! The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json`. It is written by
//! hand next to the router; a test checks that every route is in it and nothing else.

use serde_json::{Value, json};

/// (method, path, summary, success status) of every API route.
pub const OPERATIONS: &[(&str, &str, &str, u16)] = &[
    (
        "get",
        "/api/v1/healthz",
        "Liveness and database check / 健康检查",
        200,
    ),
    ("get", "/api/v1/openapi.json", "This document / 本文档", 200),
    (
        "post",
        "/api/v1/auth/login",
        "Sign in; sets the session and CSRF cookies / 登录",
        200,
    ),
    ("post", "/api/v1/auth/logout", "Sign out / 退出", 204),
    ("get", "/api/v1/me", "The signed-in user / 当前用户", 200),
    (
        "post",
        "/api/v1/uploads",
        "Upload ledgers (multipart `file`, `mode`, `pack`, `as_of`, `institution`) / 上传台账",
        202,
    ),
    (
        "get",
        "/api/v1/uploads",
        "Uploads the caller may see / 上传列表",
        200,
    ),
    (
        "get",
        "/api/v1/uploads/{id}",
        "An upload: status, progress, sheets, datasets, rows, errors / 上传详情",
        200,
    ),
    (
        "post",
        "/api/v1/uploads/{id}/submit",
        "Submit a self-check officially / 自查正式提交",
        200,
    ),
    (
        "get",
        "/api/v1/findings",
        "Findings, filtered, sorted and paginated / 问题列表",
        200,
    ),
    (
        "get",
        "/api/v1/findings/summary",
        "Counts by status; waived apart / 按状态统计",
        200,
    ),
    (
        "get",
        "/api/v1/findings/{id}",
        "A finding with evidence, rule and history / 问题详情",
        200,
    ),
    (
        "post",
        "/api/v1/findings/{id}/transitions",
        "Change a finding's status with a note / 变更状态",
        200,
    ),
    ("get", "/api/v1/waivers", "Waivers / 豁免列表", 200),
    (
        "post",
        "/api/v1/waivers",
        "Request a waiver / 申请豁免",
        201,
    ),
    (
        "post",
        "/api/v1/waivers/{id}/decision",
        "Approve or reject a waiver / 审批豁免",
        200,
    ),
    (
        "get",
        "/api/v1/registries",
        "Registries in the caller's region / 名录",
        200,
    ),
    (
        "post",
        "/api/v1/registries",
        "Upload a registry (multipart `file`) / 上传名录",
        202,
    ),
    (
        "get",
        "/api/v1/teams",
        "Inspection teams of the caller's region / 检查组",
        200,
    ),
    (
        "post",
        "/api/v1/teams",
        "Add an inspection team: name, region_code, addresses, min_severity, language / 添加检查组",
        201,
    ),
    (
        "get",
        "/api/v1/schedules",
        "Sweep schedules (cron, Asia/Shanghai) / 巡查计划",
        200,
    ),
    (
        "post",
        "/api/v1/schedules",
        "Add a sweep schedule: name, cron, region_code / 添加巡查计划",
        201,
    ),
    (
        "get",
        "/api/v1/sweeps",
        "Sweep runs: start, end, counts by rule, errors / 巡查记录",
        200,
    ),
    (
        "post",
        "/api/v1/sweeps",
        "Start a sweep now (optional `schedule`); it runs in the background, poll its Location / 立即巡查（后台运行）",
        202,
    ),
    (
        "get",
        "/api/v1/sweeps/{id}",
        "One sweep run; `status` is `running` until it is done / 单次巡查",
        200,
    ),
    (
        "get",
        "/api/v1/outbox",
        "Email digests; `?status=pending|sent|dead` / 邮件发件箱",
        200,
    ),
    ("get", "/api/v1/rules", "The rule catalogue / 规则目录", 200),
    (
        "get",
        "/api/v1/rules/{id}",
        "One rule with its documentation / 规则详情",
        200,
    ),
];

pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    for (method, path, summary, status) in OPERATIONS {
        let entry = paths.entry((*path).to_owned()).or_insert_with(|| json!({}));
        let params: Vec<Value> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": if name == "id" && path.contains("/rules/") { "string" } else { "integer" }}}))
            .collect();
        entry[*method] = json!({
            "summary": summary,
            "parameters": params,
            "responses": {
                status.to_string(): {"description": "OK"},
                "default": {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
            "security": if *path == "/api/v1/auth/login" || *path == "/api/v1/healthz" || *path == "/api/v1/openapi.json" { json!([]) } else { json!([{"bearer": []}, {"session": []}]) },
        });
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "auditor API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "两非合规审计 API。Errors are {code, message, message_en}; cookie-authenticated writes need the X-CSRF-Token header.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE},
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["code", "message", "message_en"],
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string", "description": "中文"},
                        "message_en": {"type": "string"},
                    },
                },
            },
        },
    })
}
