"""The Flask anchor of `cargo xtask bench`: the greeting API (`PUT` and `GET /hello/<username>`)
written the usual Flask way, over SQLite, for the same load as the server's own greeting route.

Run it with `flask --app greeting_flask run` or `gunicorn greeting_flask:app` from this folder,
with GREETING_DB naming the SQLite file.
"""

import datetime
import os
import re
import sqlite3

from flask import Flask, g, request

DATABASE = os.environ["GREETING_DB"]
USERNAME = re.compile(r"[A-Za-z]{1,64}")

app = Flask(__name__)

with sqlite3.connect(DATABASE) as connection:
    connection.execute(
        "CREATE TABLE IF NOT EXISTS greeting_users"
        " (username TEXT PRIMARY KEY, date_of_birth TEXT NOT NULL)"
    )


def db():
    if "db" not in g:
        g.db = sqlite3.connect(DATABASE)
    return g.db


@app.teardown_appcontext
def close_db(_error):
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


def birthday_in(born, year):
    try:
        return born.replace(year=year)
    except ValueError:
        return datetime.date(year, 2, 28)


@app.put("/hello/<username>")
def save(username):
    if not USERNAME.fullmatch(username):
        return {"error": "the username must be 1 to 64 letters"}, 422
    body = request.get_json(silent=True)
    try:
        born = datetime.date.fromisoformat(body["dateOfBirth"])
    except (KeyError, TypeError, ValueError):
        return {"error": "dateOfBirth must be a date in the form YYYY-MM-DD"}, 422
    if born >= datetime.date.today():
        return {"error": "dateOfBirth must be before today"}, 422
    with db() as connection:
        connection.execute(
            "INSERT INTO greeting_users (username, date_of_birth) VALUES (?, ?)"
            " ON CONFLICT (username) DO UPDATE SET date_of_birth = excluded.date_of_birth",
            (username, born.isoformat()),
        )
    return "", 204


@app.get("/hello/<username>")
def greet(username):
    row = db().execute(
        "SELECT date_of_birth FROM greeting_users WHERE username = ?", (username,)
    ).fetchone()
    if row is None:
        return {"error": "no such user"}, 404
    born = datetime.date.fromisoformat(row[0])
    today = datetime.date.today()
    upcoming = birthday_in(born, today.year)
    if upcoming < today:
        upcoming = birthday_in(born, today.year + 1)
    days = (upcoming - today).days
    wish = "Happy birthday!" if days == 0 else f"Your birthday is in {days} day(s)"
    return {"message": f"Hello, {username}! {wish}"}
