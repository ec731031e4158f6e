"""Campaigns (活动): units' tiered self-tests, their reports (报送), the district's spot test,
make-up tests (补测) and the roll-up the district ranks units by."""
