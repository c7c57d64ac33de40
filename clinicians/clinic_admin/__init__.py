"""What a clinic admin manages: staff, patients, invitations, thresholds and the diary."""
