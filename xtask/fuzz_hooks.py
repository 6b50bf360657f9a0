"""Hooks for the API fuzzing step of `cargo xtask test`.

The fuzzer signs in as its own admin account. Changing that account's role or active state through
`PATCH /api/users/{id}` is allowed (admins may step down), but it would end the fuzzer's own access
half-way through the run. Such requests go to a stand-in account instead, so the operation is still
fuzzed with every body the generator makes.
"""

import os

import schemathesis

ADMIN_ID = int(os.environ["FUZZ_ADMIN_ID"])
STAND_IN_ID = os.environ["FUZZ_STAND_IN_ID"]


def names_admin(value):
    """Whether the server would read `value` as the admin's id: it parses "01" and "+1" as 1 too."""
    try:
        return int(str(value)) == ADMIN_ID
    except ValueError:
        return False


@schemathesis.hook
def before_call(context, case, **kwargs):
    aimed_at_admin = names_admin((case.path_parameters or {}).get("id"))
    if case.method.upper() == "PATCH" and case.path == "/api/users/{id}" and aimed_at_admin:
        case.path_parameters["id"] = STAND_IN_ID
