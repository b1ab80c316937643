"""The 接龙 list's count of people kept as an activity place (models/activities/allotment.py
PEOPLE): the customers holding a standing order, counted here from their places."""


def up(migrator, db):
    db.execute_sql(
        "INSERT INTO allotment (template_id, key, taken) "
        "SELECT template_id, 'people', COUNT(*) FROM allotment "
        f"WHERE key LIKE {db.param} AND taken > 0 GROUP BY template_id",
        ["customer:%"],
    )


def down(migrator, db):
    db.execute_sql("DELETE FROM allotment WHERE key = 'people'")
