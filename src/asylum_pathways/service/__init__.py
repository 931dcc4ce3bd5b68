"""The HTTP service: an API (`/api/v1`) and server-rendered pages (screener, lab, parameters,
studies) over the same rules and simulation as the CLI. Nothing below imports it."""
