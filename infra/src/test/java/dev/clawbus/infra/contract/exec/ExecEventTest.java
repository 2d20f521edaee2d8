package dev.clawbus.infra.contract.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ExecEventTest {
  @Test
  void roundTripsDataWithNewlinesSpacesAndNothing() {
    for (ExecEvent e : new ExecEvent[] {new ExecEvent("req-1", 0, ExecEvent.STDOUT, "line 1\nline 2\n"),
        new ExecEvent("r:2", 123456, ExecEvent.STDERR, ""), new ExecEvent("r", 7, 'o', " a b \n\n c ")}) {
      assertEquals(e, ExecEvent.decode(e.encode()));
    }
    assertEquals("o3 req-1\nhi", new ExecEvent("req-1", 3, 'o', "hi").encode());
  }

  @Test
  void rejectsWhatIsNotAnEvent() {
    for (String bad : new String[] {"", "garbage", "o1 r", "ox r\nd", "x1 r\nd"}) {
      assertThrows(IllegalArgumentException.class, () -> ExecEvent.decode(bad), bad);
    }
  }

  @Test
  void addressesAreOutsideTheNodesExecAddresses() {
    assertEquals("clawbus.execout.abc", ExecEvent.address("abc"));
    assertFalse(ExecEvent.address("abc").startsWith(dev.clawbus.infra.contract.Addresses.EXEC_PREFIX));
  }
}
