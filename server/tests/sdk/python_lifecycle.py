"""Cloudflare's official Python SDK (PyPI `cloudflare`) against `dynroute serve`.

Every Dynamic Routing method of the SDK, with strict response validation (a response that
does not match the SDK's models is an error), on state the emulator keeps.

    python python_lifecycle.py http://127.0.0.1:PORT/client/v4
"""

import sys

import cloudflare
from cloudflare import Cloudflare

ACCOUNT = "0d37909e38d3e99c29fa2cd343ac421a"
GATEWAY = "sdk-gateway"

ELEMENTS = [
    {"id": "start", "type": "start", "outputs": {"next": {"element_id": "plan"}}},
    {"id": "plan", "type": "conditional",
     "properties": {"conditions": {"metadata.plan": {"$eq": "free"}}},
     "outputs": {"true": {"element_id": "budget"}, "false": {"element_id": "split"}}},
    {"id": "budget", "type": "rate",
     "properties": {"key": "metadata.user_id", "limit": 100, "limit_type": "count", "window": 3600},
     "outputs": {"success": {"element_id": "cheap"}, "fallback": {"element_id": "end"}}},
    {"id": "split", "type": "percentage",
     "outputs": {"30%": {"element_id": "cheap"}, "70%": {"element_id": "strong"}}},
    {"id": "cheap", "type": "model",
     "properties": {"provider": "workers-ai", "model": "@cf/meta/llama-3.1-8b-instruct", "timeout": 30000, "retries": 1},
     "outputs": {"success": {"element_id": "end"}, "fallback": {"element_id": "strong"}}},
    {"id": "strong", "type": "model",
     "properties": {"provider": "openai", "model": "gpt-4o-mini", "timeout": 60000, "retries": 2},
     "outputs": {"success": {"element_id": "end"}, "fallback": {"element_id": "end"}}},
    {"id": "end", "type": "end", "outputs": {}},
]


def check(condition, message):
    if not condition:
        sys.exit("python SDK: " + message)


def main(base_url):
    client = Cloudflare(api_token="sdk-test-token", base_url=base_url,
                        _strict_response_validation=True, max_retries=0)
    routes = client.ai_gateway.dynamic_routing
    created = routes.create(GATEWAY, account_id=ACCOUNT, name="sdk-route", elements=ELEMENTS)
    check(created.name == "sdk-route", "create: %r" % created.name)
    check(created.version.active == "true", "create: version.active %r" % created.version.active)
    check(created.elements[0].outputs.next.element_id == "plan", "create: elements read back")
    first = created.version.version_id

    listed = routes.list(GATEWAY, account_id=ACCOUNT, page=1, per_page=20)
    check([r.id for r in listed.data.routes] == [created.id], "list: %r" % listed.data.routes)

    got = routes.get(created.id, account_id=ACCOUNT, gateway_id=GATEWAY)
    check(got.version.version_id == first, "get")

    updated = routes.update(created.id, account_id=ACCOUNT, gateway_id=GATEWAY, name="sdk-route-2")
    check(updated.route.name == "sdk-route-2", "update")

    routes.create_version(created.id, account_id=ACCOUNT, gateway_id=GATEWAY, elements=ELEMENTS)
    versions = routes.list_versions(created.id, account_id=ACCOUNT, gateway_id=GATEWAY)
    check(len(versions.data.versions) == 2, "list_versions: %d" % len(versions.data.versions))
    newest = [v for v in versions.data.versions if v.version_id != first][0]
    check(newest.active == "false", "a new version is not live")

    one = routes.get_version(newest.version_id, account_id=ACCOUNT, gateway_id=GATEWAY, id=created.id)
    check(one.version_id == newest.version_id, "get_version")

    routes.create_deployment(created.id, account_id=ACCOUNT, gateway_id=GATEWAY,
                             version_id=newest.version_id)
    live = routes.get(created.id, account_id=ACCOUNT, gateway_id=GATEWAY)
    check(live.version.version_id == newest.version_id, "deployment made the version live")
    deployments = routes.list_deployments(created.id, account_id=ACCOUNT, gateway_id=GATEWAY)
    check(len(deployments.data.deployments) == 2, "list_deployments")

    routes.delete(created.id, account_id=ACCOUNT, gateway_id=GATEWAY)
    try:
        routes.get(created.id, account_id=ACCOUNT, gateway_id=GATEWAY)
        check(False, "a deleted route is gone")
    except cloudflare.NotFoundError:
        pass

    bad = [dict(e) for e in ELEMENTS]
    bad[3] = {"id": "split", "type": "percentage",
              "outputs": {"30%": {"element_id": "cheap"}, "else": {"element_id": "strong"}}}
    try:
        routes.create(GATEWAY, account_id=ACCOUNT, name="bad", elements=bad)
        check(False, "an `else` output is refused")
    except cloudflare.BadRequestError as e:
        check(e.status_code == 400, "status %r" % e.status_code)
        check("/elements/3/outputs/else" in str(e.body), "error body %r" % e.body)
    print("python SDK %s: every operation passed" % cloudflare.__version__)


if __name__ == "__main__":
    main(sys.argv[1])
