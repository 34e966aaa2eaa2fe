# MIA web, worker and beat image (docker-compose.yml). Built from uv.lock, without the dev tools.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    PATH=/app/.venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=mia.settings \
    MIA_MEDIA_ROOT=/data/media

# WeasyPrint lays out the Préfecture PDF with Pango and HarfBuzz; it needs fonts to draw text.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 \
        fonts-dejavu-core shared-mime-info \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir "uv==0.13.9"

WORKDIR /app
# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN uv sync --frozen --no-dev

# Static files are part of the image; the key only satisfies settings during the build.
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime \
    python manage.py collectstatic --noinput

# The code stays owned by root: the app user writes only uploads (volume) and /tmp.
RUN useradd --system --uid 1000 --user-group --home-dir /app --no-create-home mia \
    && mkdir -p /data/media \
    && chown mia:mia /data/media
USER mia

EXPOSE 8000
# gunicorn believes X-Forwarded-Proto only from the addresses in FORWARDED_ALLOW_IPS (loopback
# when unset); docker-compose.yml's web service names the TLS proxy there.
CMD ["gunicorn", "mia.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
