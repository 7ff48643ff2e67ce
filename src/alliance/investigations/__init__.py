"""Prosecution (issue 11): entities from many agencies' sources on the FollowTheMoney model, cross-script
matching, the hit/no-hit legal gate, link charts and financial investigations."""
