"""Search and the service: chunks → index → API, and the `cchc` command line."""
