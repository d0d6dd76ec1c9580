package dev.commission.core.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Whether a script may be sent again after a timeout is read from the flags it declares to Redis. */
class LuaScriptTest {

    @Test
    void onlyAScriptDeclaredNoWritesIsReadOnly() {
        assertTrue(script("#!lua flags=no-writes\nreturn 1").readOnly());
        assertTrue(script("#!lua flags=allow-oom,no-writes\nreturn 1").readOnly());
        assertFalse(script("#!lua\nreturn redis.call('INCR', KEYS[1])").readOnly());
        assertFalse(script("#!lua flags=allow-oom\nreturn 1").readOnly());
        assertFalse(script("#!lua\n-- flags=no-writes in a comment says nothing to Redis\nreturn 1").readOnly());
    }

    @Test
    void everyOperationScriptThatWritesIsSentOnlyOnce() {
        for (String name : new String[] {"settle", "reverse", "adjust", "transfer", "register", "create-campaign",
                "close-campaign"}) {
            assertFalse(LuaScript.load(name).readOnly(), name);
        }
    }

    @Test
    void aScriptCarriesTheHelpersItNamesAndTheirsInFileOrderAndNoOthers() {
        String header = "-- header\n";
        String prefix = "local PREFIX = 'p:'\n";
        String key = "\n-- a key\nlocal function key(name)\n  return PREFIX .. name\nend\n";
        String unused = "\nlocal function unused()\n  return 1\nend\n";
        String table = "\nlocal TABLE = {\n  a = 1,\n}\nfor k in pairs(TABLE) do\nend\n";
        String lookup = "\nlocal function lookup(name)\n  return redis.call('GET', key(name))\nend\n";
        String shared = header + prefix + key + unused + table + lookup;

        // The body names lookup and TABLE; lookup names key, key names PREFIX; nothing names unused.
        assertEquals(header + prefix + key + table + lookup,
                LuaScript.helpers(shared, "return lookup(ARGV[1]), TABLE.a"));
        assertEquals(header + prefix, LuaScript.helpers(shared, "return PREFIX"));
    }

    @Test
    void aQueueScriptCarriesNoneOfTheMoneyHelpers() {
        String source = LuaScript.load("queue-submit").source();
        assertFalse(source.contains("local function credit("), "queue-submit carries credit()");
        assertTrue(LuaScript.load("settle").source().contains("local function credit("));
    }

    private static LuaScript script(String source) {
        return new LuaScript("test", source, "sha");
    }
}
