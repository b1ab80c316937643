# Jielong in production: `docker compose up` (compose.yaml, docs/operations.md "Containers").
# Three stages: the front-end packages, the Python environment with compiled translations, and the
# runtime image holding only what runs, as a user without privileges.

FROM node:22-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error \
    && mkdir -p static/vendor \
    && cp node_modules/htmx.org/dist/htmx.min.js static/vendor/

FROM python:3.11-slim-bookworm AS build
WORKDIR /app
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY requirements.txt ./
RUN python -m venv /venv && /venv/bin/pip install --require-hashes -r requirements.txt
COPY translations translations
RUN /venv/bin/pybabel compile -d translations

FROM python:3.11-slim-bookworm AS runtime
# pg_dump for `flask backup` on PostgreSQL (docs/operations.md): Debian 12 ships client 15, so
# compose.yaml runs PostgreSQL 15 (pg_dump refuses a newer server). fonts-noto-cjk draws the
# Chinese on the order form's link-preview card (docs/group-buy.md).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 jielong
WORKDIR /app
COPY --from=build /venv /venv
COPY --chown=root:root app.py config.py extensions.py i18n.py logs.py babel.cfg ./
COPY blueprints blueprints
COPY commands commands
COPY forms forms
COPY models models
COPY tasks tasks
COPY migrations migrations
COPY templates templates
COPY static static
COPY --from=assets /build/static/vendor static/vendor
COPY --from=build /app/translations translations
RUN mkdir -p /app/instance && chown jielong /app/instance
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
USER jielong
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["gunicorn", "--workers", "4", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "app:create_app()"]
