<?php
// The HTTP/JSON client without Composer (it needs only ext-curl and ext-json):
//   require 'commission-client/php/http-autoload.php';
// Loads Commission\V1\Http\* from the hand-written sources and from what the build generated.

spl_autoload_register(function (string $class): void {
    $prefix = 'Commission\\V1\\Http\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $file = str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    foreach (['/src/main/php', '/target/generated-sources/php'] as $root) {
        $path = __DIR__ . $root . '/Commission/V1/Http/' . $file;
        if (is_file($path)) {
            require $path;
            return;
        }
    }
});
