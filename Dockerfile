# EcoLeads service image (Debian 12, Python 3.11). SpatiaLite is embedded; for production set
# ECOLEADS_DATABASE_URL to a PostGIS server (see compose.yaml).
FROM python:3.11-slim-bookworm

# SpatiaLite for the embedded database; Pango, HarfBuzz and Noto CJK for the dossier PDFs
# (WeasyPrint) and their maps: without the fonts, Chinese text would render as boxes.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libsqlite3-mod-spatialite \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /srv/ecoleads
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY geo ./geo
COPY models ./models
COPY rules ./rules
COPY migrations ./migrations
COPY demo ./demo
# Editable: the service finds alembic.ini, migrations/ and demo/ beside its code.
RUN pip install --no-cache-dir -e .

# Data (evidence store, embedded database) and keys live in separate volumes: the signing
# key must not sit beside the database (start-up refuses that).
ENV ECOLEADS_DATA_DIR=/var/lib/ecoleads \
    ECOLEADS_KEYS_DIR=/run/ecoleads-keys \
    ECOLEADS_HOST=0.0.0.0 \
    ECOLEADS_PORT=8000
VOLUME ["/var/lib/ecoleads", "/run/ecoleads-keys"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/health')"
# Migrate, then serve. Set ECOLEADS_DATABASE_URL=postgresql+psycopg://… for PostGIS.
CMD ["sh", "-c", "ecoleads migrate && ecoleads serve"]
