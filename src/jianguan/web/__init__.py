"""The web application (issue 7): FastAPI, Jinja2 pages, a JSON API under /api.

An entrypoint layer like the CLI: it may import services and adapters; nothing imports it.
"""
