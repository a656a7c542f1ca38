"""Who reviews a project's order proposals besides its owner, from the identity read tables."""

from uuid import UUID

from application.testgen.ports import REVIEWER_CLAIM
from infrastructure.postgres.pool import DictPool

# A suite (%(id)s) whose project the user (%(user)s) reviews, by the claim (%(claim)s).
REVIEWED_SUITE = (
    "SELECT 1 FROM testgen.test_suites s WHERE s.id = %(id)s AND ("
    " EXISTS (SELECT 1 FROM identity.user_claims uc WHERE uc.user_id = %(user)s"
    "  AND uc.claim_type = %(claim)s AND uc.claim_value = s.project_id::text)"
    " OR EXISTS (SELECT 1 FROM identity.role_claims rc JOIN identity.user_roles ur"
    "  ON ur.role_id = rc.role_id AND ur.user_id = %(user)s"
    "  WHERE rc.claim_type = %(claim)s AND rc.claim_value = s.project_id::text))"
)


class PostgresProjectReviewers:
    """A user reviews a project who holds `testament:project-reviewer` = the project's id,
    their own (identity.user_claims) or through a role (identity.role_claims)."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def reviews(self, user_id: UUID, project_id: UUID) -> bool:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT EXISTS (SELECT 1 FROM identity.user_claims"
                " WHERE user_id = %(u)s AND claim_type = %(t)s AND claim_value = %(p)s)"
                " OR EXISTS (SELECT 1 FROM identity.role_claims c"
                " JOIN identity.user_roles ur ON ur.role_id = c.role_id AND ur.user_id = %(u)s"
                " WHERE c.claim_type = %(t)s AND c.claim_value = %(p)s) AS reviews",
                {"u": user_id, "t": REVIEWER_CLAIM, "p": str(project_id)},
            ).fetchone()
        return bool(row and row["reviews"])
