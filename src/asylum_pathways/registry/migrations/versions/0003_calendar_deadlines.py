"""Calendar deadlines: what the calendar feed last said of each deadline of a hearing, so that
an all-day deadline event's SEQUENCE is bumped when the deadline moves.

One organisation's data (its hearings' deadlines): row-level security on PostgreSQL as for the
tables of 0001; the application role gets what it needs when `registry init --app-role R` runs
the migration.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: As in 0001: a row is visible and writable only to its organisation, or to system work.
POLICY = (
    "org_id = current_setting('app.org_id', true) OR current_setting('app.scope', true) = 'system'"
)


def upgrade() -> None:
    op.create_table(
        "calendar_deadlines",
        sa.Column("hearing_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("said", sa.JSON(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["hearing_id"], ["hearings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"]),
        sa.PrimaryKeyConstraint("hearing_id", "kind"),
    )
    with op.batch_alter_table("calendar_deadlines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_deadlines_org_id"), ["org_id"], unique=False)
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE calendar_deadlines ENABLE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY calendar_deadlines_by_organisation ON calendar_deadlines "
        f"USING ({POLICY}) WITH CHECK ({POLICY})"
    )
    app_role = context.config.attributes.get("app_role")
    if app_role:
        role = op.get_bind().dialect.identifier_preparer.quote(app_role)
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON calendar_deadlines TO {role}")


def downgrade() -> None:
    with op.batch_alter_table("calendar_deadlines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_deadlines_org_id"))
    op.drop_table("calendar_deadlines")
