"""Spaces runtime and Jobs checks of the official Python client against
hubtest's simulator (part "compute" of check.py).

Covers every Spaces runtime and Jobs method huggingface_hub 1.3.7 has:
create_repo(space) and the runtime (get_space_runtime, request_space_hardware,
set_space_sleep_time, pause_space, restart_space, request/delete_space_storage),
secrets and variables (add/delete/get), duplicate_space, space_info's
runtime; run_job, inspect_job, list_jobs, fetch_job_logs, cancel_job,
list_jobs_hardware, create/list/inspect/suspend/resume/delete_scheduled_job.
"""

import time
import uuid


def run(g):
    check, expect, expect_eq, expect_raises = g["check"], g["expect"], g["expect_eq"], g["expect_raises"]
    HfApi, ENDPOINT, TOKENS, MANIFEST = g["HfApi"], g["ENDPOINT"], g["TOKENS"], g["MANIFEST"]
    from huggingface_hub.errors import BadRequestError, HfHubHTTPError

    token = TOKENS.get("write")
    if not token:
        print("skip compute: the manifest has no write token")
        return
    owner = MANIFEST["owner"]
    api = HfApi(endpoint=ENDPOINT, token=token)
    sid = f"{owner}/py-space-{uuid.uuid4().hex[:8]}"

    def wait_running(repo_id):
        for _ in range(50):
            rt = api.get_space_runtime(repo_id)
            if rt.stage not in ("BUILDING", "APP_STARTING", "RUNNING_BUILDING", "RUNNING_APP_STARTING"):
                return rt
        raise AssertionError("never left BUILDING")

    def space_runtime():
        api.create_repo(sid, repo_type="space", space_sdk="gradio", private=True)
        rt = api.get_space_runtime(sid)
        expect_eq(rt.stage, "BUILDING", "stage after create")
        expect_eq(rt.requested_hardware, "cpu-basic", "requested hardware")
        expect_eq(rt.sleep_time, 172800, "sleep time")
        expect_eq(wait_running(sid).stage, "RUNNING", "stage after the build")
        info = api.space_info(sid)
        expect(info.runtime is not None and info.runtime.stage == "RUNNING", f"space_info runtime: {info.runtime}")

    def hardware_and_sleep():
        rt = api.request_space_hardware(sid, "t4-small", sleep_time=600)
        expect_eq((rt.stage, rt.requested_hardware, rt.sleep_time), ("BUILDING", "t4-small", 600), "after request_space_hardware")
        rt = api.set_space_sleep_time(sid, 3600)
        expect_eq(rt.sleep_time, 3600, "after set_space_sleep_time")
        expect_eq(wait_running(sid).hardware, "t4-small", "current hardware after the rebuild")

    def pause_restart():
        expect_eq(api.pause_space(sid).stage, "PAUSED", "pause_space")
        expect_eq(api.restart_space(sid, factory_reboot=True).stage, "BUILDING", "restart_space of a paused Space")
        wait_running(sid)

    def storage():
        rt = api.request_space_storage(sid, "small")
        expect_eq(rt.storage, "small", "request_space_storage")
        rt = api.delete_space_storage(sid)
        expect_eq(rt.storage, None, "delete_space_storage")
        expect_raises(BadRequestError, lambda: api.delete_space_storage(sid), "delete_space_storage without storage")

    def secrets_and_variables():
        api.add_space_secret(sid, "OPENAI_KEY", "sk-123", description="the key")
        api.add_space_secret(sid, "OTHER", "x")
        api.delete_space_secret(sid, "OTHER")
        api.delete_space_secret(sid, "NEVER_SET")
        got = api.add_space_variable(sid, "MODEL", "gpt2", description="which")
        expect_eq((got["MODEL"].value, got["MODEL"].description), ("gpt2", "which"), "add_space_variable")
        api.add_space_variable(sid, "DEBUG", "1")
        got = api.delete_space_variable(sid, "DEBUG")
        expect_eq(sorted(got), ["MODEL"], "delete_space_variable")
        got = api.get_space_variables(sid)
        expect_eq(got["MODEL"].value, "gpt2", "get_space_variables")
        expect(got["MODEL"].updated_at is not None, "variable updated_at")

    def static_refusals():
        static = f"{owner}/py-static-{uuid.uuid4().hex[:8]}"
        api.create_repo(static, repo_type="space", space_sdk="static")
        expect_eq(api.get_space_runtime(static).stage, "RUNNING", "static Space stage")
        expect_raises(BadRequestError, lambda: api.pause_space(static), "pause_space of a static Space")
        expect_raises(BadRequestError, lambda: api.request_space_hardware(static, "t4-small"), "hardware for a static Space")
        api.delete_repo(static, repo_type="space")

    def duplicate():
        url = api.duplicate_space(sid, f"{owner}/py-copy-{uuid.uuid4().hex[:8]}", private=True, hardware="cpu-upgrade", secrets=[{"key": "K", "value": "v"}])
        copy = url.repo_id
        rt = api.get_space_runtime(copy)
        expect_eq(rt.requested_hardware, "cpu-upgrade", "duplicate's hardware")
        expect(api.space_info(copy).private, "duplicate is private")
        expect_raises(HfHubHTTPError, lambda: api.duplicate_space(sid, copy), "duplicate onto an existing Space")
        api.duplicate_space(sid, copy, exist_ok=True)
        api.delete_repo(copy, repo_type="space")
        api.delete_repo(sid, repo_type="space")

    state = {}

    def jobs_run():
        job = api.run_job(image="python:3.12", command=["python", "-c", "print('hi')"], env={"MODE": "test"}, secrets={"TOKEN": "s"}, flavor="cpu-basic", timeout="5m")
        expect_eq(job.status.stage, "SCHEDULING", "run_job stage")
        expect_eq(job.owner.name, owner, "job owner")
        expect_eq(job.docker_image, "python:3.12", "docker image")
        state["job"] = job
        logs = list(api.fetch_job_logs(job_id=job.id))  # 1.3.7 follows until the job ends
        expect(isinstance(logs, list), "fetch_job_logs")
        info = api.inspect_job(job_id=job.id)
        expect_eq(info.status.stage, "COMPLETED", "stage after following the logs")
        space_job = api.run_job(image="hf.co/spaces/" + owner + "/tool", command=["run"])
        expect_eq(space_job.space_id, owner + "/tool", "space_id of a Space image")
        api.cancel_job(job_id=space_job.id)
        expect_eq(api.inspect_job(job_id=space_job.id).status.stage, "CANCELED", "cancel_job")
        ids = [j.id for j in api.list_jobs(namespace=owner)]  # 1.3.7 list_jobs resolves the namespace with the module-level whoami, which ignores the HfApi token
        expect(job.id in ids and space_job.id in ids, f"list_jobs: {ids}")
        hw = api.list_jobs_hardware()
        expect(any(h.name == "t4-small" for h in hw), "list_jobs_hardware")

    def scheduled():
        sj = api.create_scheduled_job(image="python:3.12", command=["python", "report.py"], schedule="@hourly")
        expect_eq(sj.schedule, "@hourly", "schedule")
        expect(sj.status.next_job_run_at is not None, "next run")
        expect(sj.id in [s.id for s in api.list_scheduled_jobs()], "list_scheduled_jobs")
        api.suspend_scheduled_job(scheduled_job_id=sj.id)
        expect_eq(api.inspect_scheduled_job(scheduled_job_id=sj.id).suspend, True, "suspended")
        api.resume_scheduled_job(scheduled_job_id=sj.id)
        expect_eq(api.inspect_scheduled_job(scheduled_job_id=sj.id).suspend, False, "resumed")
        api.delete_scheduled_job(scheduled_job_id=sj.id)
        expect(sj.id not in [s.id for s in api.list_scheduled_jobs()], "deleted")

    check("compute: create a Space, runtime, wait until RUNNING", space_runtime)
    check("compute: request_space_hardware, set_space_sleep_time", hardware_and_sleep)
    check("compute: pause_space, restart_space(factory_reboot)", pause_restart)
    check("compute: request/delete_space_storage", storage)
    check("compute: Space secrets and variables", secrets_and_variables)
    check("compute: static Space refusals (400)", static_refusals)
    check("compute: duplicate_space", duplicate)
    check("compute: run_job, fetch_job_logs, inspect_job, cancel_job, list_jobs, list_jobs_hardware", jobs_run)
    check("compute: scheduled jobs", scheduled)
