"""Workspace as code: export a Segment workspace to a snapshot file, diff two workspaces or
snapshots, plan and apply a snapshot to a workspace.

Everything runs on the component's own actions (`segment.invoke`, or the handlers of a running
action), so the client's retries, rate limits, redaction and typed errors hold throughout:

    model     the snapshot format (keys, secret references, checks) and its flattened objects
    export    the workspace as a snapshot, through the list actions with fetchAll
    diff      added, removed and changed objects, and the comparison rules
    plan      the ordered operations that make a workspace match a snapshot
    apply     running a plan: progress, pacing of subscription writes, secrets
    dryrun    applying to a throwaway emulator seeded from the live workspace
    commands  the CLI's export, diff, plan and apply

The rules of comparison (diff, plan and so apply):

* Objects are keyed by a human name: a Source by its slug, a Destination by its name within its
  Source, a subscription by its name within its Destination, Warehouses, Functions (display
  name) and Transformations by their names. Ids are recorded too and, when the same id is on both
  sides, the objects are the same one (a rename); otherwise kind and key decide.
* Sensitive settings are `{"$secret": "NAME"}` references, never values. A value the API will not
  return (censored) is never drift; a reference differs only when the workspace lacks the setting.
* Settings are compared over the keys the snapshot states: a setting the API added (a default)
  is no drift. Every other stated field is compared by value.
* `id`, `type`, `labels` and `secretReferences` are informational. Labels are exported for
  reference only: the API's Source create and update take none.
"""
