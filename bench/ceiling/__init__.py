"""The `ceiling` scenario of `make bench`: a bare Django app answering /healthz as the project
does, with none of its middleware, to tell what the project's stack costs a trivial request."""
