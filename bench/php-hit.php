<?php
// php-hit.php: the peer a site owner would otherwise deploy for /api/hit:
// PHP-FPM counting a hit with the same SQLite upsert as hhd-fcgi (WAL,
// synchronous=NORMAL, one row per day, path, event and partner code).
// The database path comes from the FastCGI parameter HHD_BENCH_DB (set by
// bench/fcgi's nginx config). It checks the event against a list and the
// path's shape, but not against the site's manifest (see bench/README.md).
// bench/fcgi creates the table (the same as hhd-fcgi's) and sets WAL mode once.
// With HHD_BENCH_SQLITE=defaults the file keeps SQLite's defaults (rollback
// journal, synchronous=FULL): what a script written without tuning gets.
$events = ['view' => 1, 'help' => 1, 'outcome' => 1, 'yes' => 1, 'no' => 1];
$path = $_GET['p'] ?? '';
$event = $_GET['e'] ?? 'view';
$via = $_GET['via'] ?? '';
if (strlen($path) > 512 || !preg_match('#^/[a-z0-9/._-]*$#', $path) || !isset($events[$event])
    || !preg_match('#^[a-z0-9-]{0,32}$#', $via)) {
    http_response_code(204);
    exit;
}
$db = new SQLite3($_SERVER['HHD_BENCH_DB']);
$db->busyTimeout(5000);
if (($_SERVER['HHD_BENCH_SQLITE'] ?? '') !== 'defaults') {
    $db->exec('PRAGMA synchronous=NORMAL');   // as hhd-fcgi; the file is in WAL mode
}
$st = $db->prepare('INSERT INTO hit (day, path, event, via, n) VALUES (?1, ?2, ?3, ?4, 1)'
    . ' ON CONFLICT (day, path, event, via) DO UPDATE SET n = n + 1');
$st->bindValue(1, date('Y-m-d'));
$st->bindValue(2, $path);
$st->bindValue(3, $event);
$st->bindValue(4, $via);
$st->execute();
$db->close();
header('Cache-Control: no-store');
http_response_code(204);
