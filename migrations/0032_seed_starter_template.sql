-- Built-in starter template: Node + a tiny web app on preview port 3000, available to every
-- workspace (workspace_id NULL, builtin = 1). This is the one place its manifest is written: the
-- Worker reads it from D1 like any template's (api/src/templates/resolve.ts; the ids are in
-- api/src/templates/starter.ts). The bootstrap writes README.md, package.json and server.js only
-- when absent, so a user's edits survive every stop/start ("." persists the whole workspace), and
-- starts the preview server unless one already listens (probed with bash's /dev/tcp: every boot
-- runs it, and a Node start costs 100+ ms). No network needed.
INSERT INTO templates (id, workspace_id, name, description, active_version_id, builtin, created_by, created_at, updated_at)
VALUES ('tpl_builtin_starter', NULL, 'Node starter', 'Node.js and a tiny web app on the preview port (3000). No build step.', 'tpv_builtin_starter_1', 1, NULL, 0, 0);

INSERT INTO template_versions (id, template_id, workspace_id, version, manifest, status, created_at)
VALUES ('tpv_builtin_starter_1', 'tpl_builtin_starter', NULL, '1', '{"persistedPaths":["."],"bootstrap":"set -e\n[ -f README.md ] || printf ''%s\\n'' ''# BurstFlare starter'' '''' ''Edit server.js, then open the preview (port 3000).'' ''Run it with: node server.js'' > README.md\n[ -f package.json ] || printf ''%s\\n'' ''{'' ''  \"name\": \"starter\",'' ''  \"private\": true,'' ''  \"scripts\": { \"start\": \"node server.js\" }'' ''}'' > package.json\n[ -f server.js ] || cat > server.js <<''JS''\nconst http = require(\"node:http\");\nconst port = Number(process.env.PORT || 3000);\nhttp\n  .createServer((req, res) => {\n    res.writeHead(200, { \"content-type\": \"text/html; charset=utf-8\" });\n    res.end(\"<!doctype html><title>BurstFlare starter</title><h1>Hello from BurstFlare</h1><p>Edit server.js to change this page.</p>\");\n  })\n  .listen(port, \"127.0.0.1\", () => console.log(`starter listening on ${port}`));\nJS\nport=\"${PORT:-3000}\"\n(: < \"/dev/tcp/127.0.0.1/$port\") 2>/dev/null || (PORT=\"$port\" nohup node server.js > .starter-server.log 2>&1 &)","previewPort":3000}', 'uploaded', 0);

INSERT INTO template_releases (id, template_id, version_id, kind, actor_id, created_at)
VALUES ('tpr_builtin_starter_1', 'tpl_builtin_starter', 'tpv_builtin_starter_1', 'promote', NULL, 0);
