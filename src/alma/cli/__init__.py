"""The command line: a thin adapter over the services. Only this package prints."""
