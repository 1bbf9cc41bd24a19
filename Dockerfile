# Image for web, worker and beat (docker-compose.yml). WeasyPrint needs Pango >= 1.44.
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
ENV DJANGO_SETTINGS_MODULE=handbook.settings PYTHONUNBUFFERED=1
RUN DJANGO_SECRET_KEY=build-only DATABASE_URL=postgresql://build@localhost/build python manage.py collectstatic --noinput
RUN useradd --create-home handbook && mkdir -p /data/media && chown handbook /data/media
USER handbook
EXPOSE 8000
# handbook/gunicorn_conf.py: no "Server: gunicorn" banner.
CMD ["gunicorn", "handbook.wsgi", "--config", "handbook/gunicorn_conf.py", "--bind", "0.0.0.0:8000"]
