"""HTTP plumbing shared by every route, one concern a module:

- `json_io`: JSON bodies in (size and depth bounded) and out;
- `params`: path ids, query integers and instants, checked and named in refusals;
- `refusals`: the contract's error shape as JSON or as a page, and 5xx answers that are
  logged with a request id and never show the exception;
- `instrument`: the per-route wrapper (timing, metrics by route template, refusals,
  HTML security hooks) and the catch-all 404/405 route. There is no middleware.
"""
