"""What every page and API shares: routes, middlewares (errors, security headers, access
log), rate limiting, log redaction and the status page."""
