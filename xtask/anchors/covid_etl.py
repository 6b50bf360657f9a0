"""The pandas anchor of `cargo xtask bench`: what covid-etl does, written the usual pandas way.

Fetches the NYT and JHU files, joins NYT's days with JHU's national US rows on the date, and
loads the result into a SQLite table. Prints the number of rows loaded.

usage: covid_etl.py NYT_URL JHU_URL SQLITE_FILE
"""

import sqlite3
import sys

import pandas as pd

nyt_url, jhu_url, database = sys.argv[1:4]
nyt = pd.read_csv(nyt_url, parse_dates=["date"])
jhu = pd.read_csv(jhu_url, parse_dates=["Date"])
us = jhu[(jhu["Country/Region"] == "US") & jhu["Province/State"].isna()]
joined = nyt.merge(us[["Date", "Recovered"]], left_on="date", right_on="Date")
joined = joined[["date", "cases", "deaths", "Recovered"]].rename(columns={"Recovered": "recovered"})
with sqlite3.connect(database) as connection:
    joined.to_sql("covid_daily", connection, index=False, if_exists="replace")
print(len(joined))
