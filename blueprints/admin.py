"""Administration pages, for admins only."""

from flask import Blueprint, render_template

from blueprints.access import role_required
from models import User

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@role_required("admin")
def users():
    return render_template("admin/users.html", users=User.select().order_by(User.role, User.name))
